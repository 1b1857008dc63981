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
    CONTEXT = ["phone", "cell", "reached", "contact", "tel", "number", "call"]

    def __init__(self, supported_language: str = "en"):
        super().__init__(supported_entity="PHONE_NUMBER", patterns=self.PATTERNS,
                         context=self.CONTEXT, supported_language=supported_language,
                         name="NanpPhoneRecognizer")
