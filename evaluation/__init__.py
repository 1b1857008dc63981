"""How well feedshield does its work: leak recall and utility on labelled fixtures
(`feedshield evaluate`), and span recall on labelled text sets (`feedshield evaluate-text`).

Nothing here runs in a feed: the pipeline never imports it.
"""
