"""Place of birth and nationality, as officers write them.

"born in Tegucigalpa, Honduras", "a native of Haiti", "originally from
Puebla", "emigrated from Vietnam" are places of birth; "Guatemalan
national", "citizen of Mexico" and demonyms are nationality. Country names,
their other spellings and demonyms come from `countryinfo` (maintained, MIT)
rather than a hand-made list.
"""
import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from redaction_rules.recognizers.gazetteers import country_lexicon

# Short words that are country codes or common words; never a place on their own.
_NOT_PLACES = {"us", "usa", "uk", "guam", "chad", "jordan", "georgia", "niger", "china"}

BIRTH_TRIGGERS = (r"born\s+(?:and\s+raised\s+)?in", r"(?:a\s+)?native\s+of", r"originally\s+from",
                  r"(?:e|im)migrated\s+(?:to\s+the\s+(?:us|u\.s\.|united\s+states)\s+)?from",
                  r"came\s+(?:to\s+the\s+(?:us|u\.s\.|united\s+states)\s+)?from", r"hails\s+from",
                  r"place\s+of\s+birth(?:\s+is|:)?", r"birthplace(?:\s+is|:)?", r"pob:?")
NATIONALITY_TRIGGERS = (r"citizen\s+of", r"national\s+of", r"citizenship(?:\s+is|:)?",
                        r"nationality(?:\s+is|:)?")


_LETTERS = re.compile(r"(?<![\w])[A-Za-z]+")


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


class BirthplaceRecognizer(EntityRecognizer):
    """PLACE_OF_BIRTH after a birth phrase; NATIONALITY for demonyms and citizenship phrases."""

    ENTITIES = ["PLACE_OF_BIRTH", "NATIONALITY"]
    SCORE = 0.85
    DEMONYM_SCORE = 0.7
    MAX_PLACE_WORDS = 4

    def __init__(self, supported_language: str = "en", score: float | None = None,
                 demonym_score: float | None = None, max_place_words: int | None = None, name: str | None = None):
        self.score = self.SCORE if score is None else score
        self.demonym_score = self.DEMONYM_SCORE if demonym_score is None else demonym_score
        self.max_place_words = self.MAX_PLACE_WORDS if max_place_words is None else max_place_words
        super().__init__(supported_entities=self.ENTITIES, supported_language=supported_language,
                         name=name or type(self).__name__)

    def load(self) -> None:
        names, demonyms = country_lexicon()
        demonyms = {d for d in demonyms if d not in _NOT_PLACES}
        self._countries = re.compile(rf"(?:{_alternation(names)})\b", re.I)
        self._births = re.compile(rf"\b(?:{'|'.join(BIRTH_TRIGGERS)})\s+", re.I)
        self._nationals = re.compile(rf"\b(?:{'|'.join(NATIONALITY_TRIGGERS)})\s+", re.I)
        self._demonyms = re.compile(rf"\b(?:{_alternation(demonyms)})(?:e?s)?(?:-(?:born|american))?\b", re.I)
        # the alternation is tried only where a word could start a demonym:
        # at every position it cost more than the rest of the recognizer
        self._demonym_starts = frozenset(re.split(r"[\s-]", d)[0] for d in demonyms)
        self._word = re.compile(r"[A-Za-z][A-Za-z.'-]*")

    def _place_after(self, text: str, start: int) -> int:
        """End of the place named at `start`: a known country, or a run of
        name words (stopping at a stop word, or a lower-case word in mixed
        case text), optionally followed by ", " and a second such run."""
        m = self._countries.match(text, start)
        country_end = m.end() if m else start  # "Guatemala" is also the start of "Guatemala City, Guatemala"
        return max(country_end, self._words_after(text, start))

    def _words_after(self, text: str, start: int) -> int:
        caps = text.isupper()
        end, pos, words, parts = start, start, 0, 0
        while words < self.max_place_words:
            w = self._word.match(text, pos)
            if not w:
                break
            token = w.group().rstrip(".")
            if token.lower() in STOP_WORDS or (not caps and not token[0].isupper()):
                break
            end, words = w.start() + len(token), words + 1
            pos = w.end()
            if w.group().endswith(".") and len(token) > 2:  # a sentence ends here, not an abbreviation
                break
            sep = re.match(r"\s+|,\s*", text[pos:])
            if not sep:
                break
            if "," in sep.group():
                parts += 1
                if parts > 1:
                    break
                country = self._countries.match(text, pos + sep.end())
                if country:
                    return country.end()
            pos += sep.end()
        return end

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None) -> list[RecognizerResult]:
        results = []
        for trigger, entity in ((self._births, "PLACE_OF_BIRTH"), (self._nationals, "NATIONALITY")):
            for m in trigger.finditer(text):
                end = self._place_after(text, m.end())
                if end > m.end():
                    results.append(RecognizerResult(entity, m.end(), end, self.score))
        for word in _LETTERS.finditer(text):
            lowered = word.group().lower()
            if lowered in self._demonym_starts or lowered.rstrip("s") in self._demonym_starts or (
                    lowered.endswith("es") and lowered[:-2] in self._demonym_starts):
                m = self._demonyms.match(text, word.start())
                if m:
                    results.append(RecognizerResult("NATIONALITY", m.start(), m.end(), self.demonym_score))
        return results
