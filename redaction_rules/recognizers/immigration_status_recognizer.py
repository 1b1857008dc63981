"""Immigration status in the words officers use for it, and A-numbers."""
from presidio_analyzer import Pattern, PatternRecognizer

_VISA_CLASSES = r"(?:h-?1b|h-?2a|h-?2b|b-?1|b-?2|f-?1|j-?1|k-?1|l-?1|o-?1|tn|u|t|e-?2|student|tourist|work)"
_PRONOUN = r"(?:his|her|their)"


class ImmigrationStatusRecognizer(PatternRecognizer):
    """Status words (undocumented, visa overstay, ICE detainer, asylum, TPS,
    DACA, green card, lawful permanent resident, visa classes) and A-numbers
    in all their written forms (A212345678, A# 212-345-678, A-212-345-678).

    Every phrase is a statement about a person's status; none is common in
    the rest of a report, so scores are high and no context is needed.
    """

    PATTERNS = [
        Pattern("A-number", r"(?<!\w)A\s?[#-]?\s?\d{3}[\s-]?\d{3}[\s-]?\d{2,3}(?!\d)", 0.85),
        Pattern("undocumented", r"\b(?:undocumented(?:\s+(?:immigrant|alien|migrant))?|illegal\s+(?:alien|immigrant|entry|status)|"
                                r"without\s+(?:legal|lawful)\s+(?:status|immigration\s+status)|no\s+(?:legal|lawful)\s+(?:immigration\s+)?status|"
                                r"(?:entered|came\s+into)\s+the\s+(?:country|us|u\.s\.|united\s+states)\s+(?:illegally|unlawfully|without\s+inspection)|"
                                r"entered\s+without\s+inspection|out\s+of\s+status)\b", 0.9),
        Pattern("visa overstay", rf"\b(?:overstayed\s+(?:{_PRONOUN}\s+|a\s+)?(?:{_VISA_CLASSES}\s+)?visa|visa\s+overstay(?:er)?|overstay(?:ed)?)\b", 0.9),
        Pattern("detainer", r"\b(?:(?:ice|immigration|dhs|i-?247)\s+detainer(?:\s+lodged)?|detainer\s+lodged\s+by\s+ice|"
                            r"removal\s+proceedings|deportation\s+(?:order|proceedings)|order\s+of\s+removal|deportable|previously\s+deported)\b", 0.9),
        Pattern("asylum and refugee", r"\b(?:asylum(?:\s+(?:case|application|claim|seeker|petition|hearing))?(?:\s+pending)?|"
                                      r"asylee|refugee(?:\s+status)?)\b", 0.85),
        Pattern("protected status", r"\b(?:temporary\s+protected\s+status|tps|daca(?:\s+recipient)?|deferred\s+action|dreamer|parolee|"
                                    r"humanitarian\s+parole)\b", 0.85),
        Pattern("permanent resident", r"\b(?:(?:lawful\s+)?permanent\s+resident(?:\s+card)?|green\s+card(?:\s+holder)?|lpr)\b", 0.85),
        Pattern("visa class", rf"\b(?:{_VISA_CLASSES}\s+visa(?:\s+holder)?|visa\s+(?:holder|status)|expired\s+visa)\b", 0.8),
        Pattern("status remark", r"\b(?:immigration\s+status|ice\s+hold|ice\s+notified|non-?citizen|alien\s+(?:registration|number))\b", 0.75),
    ]

    def __init__(self, patterns: list[Pattern] | None = None, supported_language: str = "en",
                 supported_entity: str = "IMMIGRATION_STATUS", name: str | None = None):
        super().__init__(supported_entity=supported_entity, patterns=patterns or self.PATTERNS,
                         supported_language=supported_language, name=name or type(self).__name__)
