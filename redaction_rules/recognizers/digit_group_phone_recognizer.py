"""Phone numbers outside the North American plan, by their layout.

`+41 (0)96 471 07 95`, `+447700 921 916`, `699 956 915`, `71-33-52-22`:
two to five groups of digits with spaces, dots or dashes, 7 to 15 digits
in all, optionally after a country code and a trunk prefix in brackets.
Dates have the same layout, so a match shaped like one is rejected.
"""
import re

from presidio_analyzer import Pattern, PatternRecognizer

_DATE = re.compile(r"^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$")


class DigitGroupPhoneRecognizer(PatternRecognizer):
    PATTERNS = [
        Pattern("grouped digits",
                r"(?<![\w+/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(0?\d{1,4}\)[\s.-]?)?\d{2,6}(?:[\s.-]\d{2,4}){1,4}(?![\w/-]|\.\d)", 0.5),
        Pattern("international digits", r"(?<![\w+])\+\d{9,14}(?!\d)", 0.6),
    ]

    def __init__(self, patterns: list[Pattern] | None = None, supported_language: str = "en",
                 supported_entity: str = "PHONE_NUMBER", name: str | None = None):
        super().__init__(supported_entity=supported_entity, patterns=patterns or self.PATTERNS,
                         supported_language=supported_language, name=name or type(self).__name__)

    def validate_result(self, pattern_text: str) -> bool:
        digits = sum(ch.isdigit() for ch in pattern_text)
        return 7 <= digits <= 15 and not _DATE.match(pattern_text.strip())
