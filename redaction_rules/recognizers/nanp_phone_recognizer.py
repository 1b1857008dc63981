"""North American phone numbers in every way a police report writes them."""
from presidio_analyzer import Pattern, PatternRecognizer


class NanpPhoneRecognizer(PatternRecognizer):
    """`215-555-0143`, `(215) 555-0143`, `215.555.0143`, `2155550143`, `+1 215 555 0143`.

    Presidio's own phone recognizer (phonenumbers) misses bare ten-digit runs
    and some separators in capitals; these patterns are anchored on digits so
    they work the same in any case. Area and exchange codes start with 2-9
    (NANP), which keeps DC numbers (they start with the year) and OTNs out.
    """

    PATTERNS = [
        Pattern("phone (separated)",
                r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[\s.-])[2-9]\d{2}[\s.-]\d{4}(?!\d)", 0.75),
        Pattern("phone (digits)", r"(?<![\w+])(?:\+?1)?[2-9]\d{2}[2-9]\d{6}(?!\d)", 0.5),
    ]

    def __init__(self, patterns: list[Pattern] | None = None, supported_language: str = "en",
                 supported_entity: str = "PHONE_NUMBER", name: str | None = None):
        super().__init__(supported_entity=supported_entity, patterns=patterns or self.PATTERNS,
                         supported_language=supported_language, name=name or type(self).__name__)
