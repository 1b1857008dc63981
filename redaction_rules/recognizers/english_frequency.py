"""How common a word is in English, from wordfreq's bundled list.

`wordfreq.zipf_frequency` memoises every word it is asked about in a dict
of up to 100,000 entries, so a worker's memory would grow with the number
of distinct words (names, above all) it has seen. The recognizers ask only
about single words, so a lookup in the frequency table that wordfreq loads
anyway gives the same figure with constant memory, and faster.
"""
import math
import unicodedata
from functools import cache

import wordfreq


@cache
def _frequencies() -> dict[str, float]:
    return wordfreq.get_frequency_dict("en")


def zipf(word: str) -> float:
    """wordfreq's Zipf scale: 0 for a word it does not know, about 7.7 for "the"."""
    frequency = _frequencies().get(unicodedata.normalize("NFC", word).casefold())
    return math.log10(frequency) + 9 if frequency else 0.0
