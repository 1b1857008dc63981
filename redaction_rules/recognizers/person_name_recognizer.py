"""Person names from a gazetteer: what NER misses, in capitals above all.

spaCy's small model misses many names, and most names typed in capitals.
The first and last names of every Faker locale (a maintained list, some
50,000 names in many scripts, also folded to ASCII as police systems store
them) find them instead. One name-like word alone is too often an ordinary
word ("Will", "Young", "Price"), so a match is two or more adjacent name
words ("Maria Lopez", "LOPEZ, MARIA" is two runs joined by a comma) or a
title followed by a name ("Mr. Nguyen", "DEFT RAZO").
"""
import importlib
import re
from functools import cache

import faker.config
from anyascii import anyascii
from presidio_analyzer import EntityRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

TITLES = {"mr", "mrs", "ms", "miss", "mister", "madam", "dr", "prof", "sir", "officer", "sgt", "det", "lt",
          "deft", "comp", "wit", "p/o"}
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*\.?|\S")
_NAME_ATTRS = ("first_names", "first_names_male", "first_names_female", "last_names")


def _attr(provider, name):
    for cls in provider.__mro__:
        if name in cls.__dict__:
            return cls.__dict__[name]
    return None


@cache
def name_lexicon() -> frozenset:
    names = set()
    for locale in faker.config.AVAILABLE_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:
            continue
        for attr in _NAME_ATTRS:
            values = _attr(provider, attr)
            if isinstance(values, (list, tuple, dict, set, frozenset)):
                for name in values:
                    if isinstance(name, str) and name.isalpha() and len(name) > 1:
                        names.add(name.lower())
                        names.add(anyascii(name).lower())
    return frozenset(n for n in names if n not in STOP_WORDS and len(n) > 1)


class PersonNameRecognizer(EntityRecognizer):
    SCORE = 0.6

    def __init__(self, supported_language: str = "en"):
        super().__init__(supported_entities=["PERSON"], supported_language=supported_language,
                         name="PersonNameRecognizer")

    def load(self) -> None:
        self._names = name_lexicon()

    def _is_name(self, token: str, caps: bool) -> bool:
        word = token.rstrip(".")
        if not word:
            return False
        if len(word) == 1:  # an initial, "J." or "B"
            return word.isalpha() and word.isupper()
        return (caps or word[0].isupper()) and word.lower() in self._names

    def analyze(self, text: str, entities=None, nlp_artifacts=None) -> list[RecognizerResult]:
        caps = text.isupper()
        tokens = list(_TOKEN.finditer(text))
        results, i = [], 0
        while i < len(tokens):
            if not self._is_name(tokens[i].group(), caps):
                i += 1
                continue
            j, words = i, 0
            while j < len(tokens) and self._is_name(tokens[j].group(), caps):
                words += len(tokens[j].group().rstrip(".")) > 1
                j += 1
            before = tokens[i - 1].group().rstrip(".").lower() if i else ""
            if words >= 2 or (words == 1 and before in TITLES):
                results.append(RecognizerResult("PERSON", tokens[i].start(), tokens[j - 1].end(), self.SCORE))
            i = j
        return results
