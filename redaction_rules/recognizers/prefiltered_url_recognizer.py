"""Presidio's URL recognizer, run only on text that can hold a URL.

Its patterns have no anchor: at every position the regex engine tries up to
253 host characters and then a thousand top-level domains, which made it the
second most costly recognizer on narratives (about 0.5 ms a text), though
few narratives hold a URL. Every match of every one of its patterns has a
dot followed by a letter (each top-level domain starts with one), so text
without that pair cannot match and is skipped. The results are the same.
"""
import re

from presidio_analyzer.predefined_recognizers import UrlRecognizer

_DOT_LETTER = re.compile(r"\.[^\W\d_]")


class PrefilteredUrlRecognizer(UrlRecognizer):
    def __init__(self, patterns=None, context=None, supported_language: str = "en",
                 supported_entity: str = "URL", name: str | None = None):
        super().__init__(patterns=patterns, context=context, supported_language=supported_language,
                         supported_entity=supported_entity, name=name or type(self).__name__)

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        if not _DOT_LETTER.search(text):
            return []
        return super().analyze(text, entities, nlp_artifacts, regex_flags)
