"""Presidio's URL recognizer, run only on the words that can hold a URL.

Its patterns have no anchor: at every position the regex engine tries up to
253 host characters and then a thousand top-level domains, about 0.7 ms on
a narrative that holds an e-mail address, and nothing on one without a dot
followed by a letter, which is skipped. No character any of its patterns
matches is a space, so every match lies in one run of non-space
characters, and every match holds a dot followed by a letter (each
top-level domain starts with one). The patterns therefore run on the text
with every other run blanked out, position for position: the matches, and
so the results, are Presidio's.
"""
import re

from presidio_analyzer.predefined_recognizers import UrlRecognizer

_DOT_LETTER = re.compile(r"\.[^\W\d_]")
_CANDIDATE = re.compile(r"\S*\.[^\W\d_]\S*")  # a whole run of non-space characters, as it holds one


def candidates_only(text: str) -> str:
    """The text with every run of non-space characters that holds no dot and letter blanked."""
    pieces, at = [], 0
    for run in _CANDIDATE.finditer(text):
        pieces += [" " * (run.start() - at), run.group()]
        at = run.end()
    pieces.append(" " * (len(text) - at))
    return "".join(pieces)


class PrefilteredUrlRecognizer(UrlRecognizer):
    def __init__(self, patterns=None, context=None, supported_language: str = "en",
                 supported_entity: str = "URL", name: str | None = None):
        super().__init__(patterns=patterns, context=context, supported_language=supported_language,
                         supported_entity=supported_entity, name=name or type(self).__name__)

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        if not _DOT_LETTER.search(text):
            return []
        return super().analyze(candidates_only(text), entities, nlp_artifacts, regex_flags)
