"""US street addresses, and the "N00 block of" form police use for them."""
from presidio_analyzer import Pattern, PatternRecognizer

from redaction_rules.recognizers.gazetteers import STREET_SUFFIXES

SUFFIXES = "|".join(STREET_SUFFIXES)
_DIRECTION = r"(?:[nsew]\.?|north|south|east|west)"
# Words that join a clause, never a street's name: "2016 Kia Optima to Cottman Ave" is a car and a street.
_CONNECTIVES = ("to|toward|towards|into|onto|and|or|on|at|in|from|near|by|with|was|were|is|are|then|drove|fled|"
                "ran|walked|went|left")
_NAME = rf"(?:\d{{1,3}}(?:st|nd|rd|th)|(?!(?:{_CONNECTIVES})\b)[a-z][a-z'.-]*)"
_UNIT = r"(?:,?\s+(?:apt|apartment|unit|fl|floor|ste|suite|rm|room|#)\.?\s*#?[a-z0-9-]{1,5}\b)?"
_STREET = rf"(?:{_DIRECTION}\s+)?{_NAME}(?:\s+{_NAME}){{0,3}}?\s+(?:{SUFFIXES})\b"


class StreetAddressRecognizer(PatternRecognizer):
    """`1234 N 5th St`, `4697 Cecil B Moore Ave, Apt 2B`, `1200 block of Kensington Ave`.

    A house number, an optional direction, one to four name words (none of
    them a word that joins a clause, `_CONNECTIVES`) and a street suffix. Presidio matches case-insensitively, so the same patterns
    serve reports typed in capitals. The block form scores lower: it is a
    location, not a home, and contracts usually keep it.
    """

    PATTERNS = [
        Pattern("street address", rf"(?<![\w$#-])\d{{1,6}}(?:-\d{{1,4}})?[a-z]?\s+{_STREET}{_UNIT}", 0.7),
        Pattern("hundred block", rf"(?<![\w$#-])\d{{1,4}}00\s+block\s+(?:of\s+)?{_STREET}", 0.6),
    ]

    def __init__(self, patterns: list[Pattern] | None = None, supported_language: str = "en",
                 supported_entity: str = "STREET_ADDRESS", name: str | None = None):
        super().__init__(supported_entity=supported_entity, patterns=patterns or self.PATTERNS,
                         supported_language=supported_language, name=name or type(self).__name__)
