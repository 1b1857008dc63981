"""Immigration status in the words officers use for it, and A-numbers."""
from presidio_analyzer import Pattern, PatternRecognizer

_VISA_CLASSES = r"(?:h-?1b|h-?2a|h-?2b|b-?1|b-?2|f-?1|j-?1|k-?1|l-?1|o-?1|tn|u|t|e-?2|student|tourist|work)"
_PRONOUN = r"(?:his|her|their)"
# USCIS, ICE and State Department form numbers that no U.S. Interstate shares: any mention is about a
# person's status (I-247 detainer, I-130 petition, I-589 asylum, I-862 notice to appear, ...).
_FORMS = (r"(?:i-?\s?(?:129f?|130|131|134|191|192|212|213|247[adnx]?|286|360|407|539|551|589|590|601a?|730|751|765|"
          r"797[a-e]?|821d?|862|864|868|914|918)|ds-?\s?(?:160|2019)|n-?\s?(?:400|600)|g-?\s?325a?|eoir-?\s?\d{2})")
# Numbers that are forms and Interstates too (I-20, I-94, I-140, I-205, I-220, I-385, I-485): a form only beside a cue.
_SHARED_FORMS = r"i-?\s?(?:20|94|140|205|220|385|485)"
_AUTHORITIES = r"(?:ice|immigration|homeland\s+security|dhs|cbp|border\s+patrol|la\s+migra|uscis)"


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
        Pattern("form number", rf"\b(?:form\s+)?{_FORMS}\b(?:\s+(?:form|detainer|petition|application|notice|receipt))?", 0.85),
        Pattern("shared form number", rf"\b(?:(?:form|{_PRONOUN})\s+{_SHARED_FORMS}\b(?:\s+(?:form|record|card|application))?|"
                                      rf"{_SHARED_FORMS}\s+(?:form|record|card|arrival|departure|application|petition|"
                                      r"adjustment|student\s+form)\b)", 0.85),
        Pattern("removal history", r"\b(?:deport(?:ed|ation|ations|able|ee|ees|ing)?|"
                                   r"(?:prior|previous|earlier)\s+(?:removal|deportation|reentry|re-entry)s?|"
                                   r"removal\s+(?:order|hearing|case)|illegal\s+re-?entry|re-?entered\s+(?:illegally|after)|"
                                   r"removed\s+(?:from|to)\s+(?:the\s+)?(?:us|u\.s\.|united\s+states|country)|"
                                   r"self-?deport(?:ed|ation)?)\b", 0.85),
        Pattern("immigration authority", r"\b(?:immigration|la\s+migra|uscis|border\s+patrol|"
                                         r"ice\s+(?:agents?|officers?|custody|detention|enforcement|raid|warrant|"
                                         r"was\s+(?:called|contacted|notified)|picked\s+(?:him|her|them)\s+up))\b", 0.8),
        Pattern("call to the authorities", rf"\b(?:call(?:ed|ing|s)?|contact(?:ed|ing|s)?|notif(?:y|ied|ying|ies)|"
                                           rf"report(?:ed|ing|s)?\s+(?:him|her|them)\s+to|turn(?:ed)?\s+(?:him|her|them)\s+in\s+to|"
                                           rf"threaten(?:ed|ing|s)?\s+to\s+call)\s+(?:the\s+)?{_AUTHORITIES}\b", 0.9),
        Pattern("no papers", r"\b(?:(?:no|without|has\s+no|had\s+no|have\s+no|doesn'?t\s+have|does\s+not\s+have|"
                             r"didn'?t\s+have|did\s+not\s+have|don'?t\s+have|lacks?|lacked)\s+(?:any\s+)?(?:legal\s+|immigration\s+)?papers|"
                             r"(?:no|without)\s+(?:legal|immigration)\s+(?:documents|documentation)|sin\s+papeles)\b", 0.85),
        Pattern("border crossing", r"\b(?:cross(?:ed|ing|es)?\s+(?:the\s+)?(?:us\s+|u\.s\.\s+|mexican\s+|southern\s+)?border|"
                                   r"(?:came|come|comes|entered|snuck|sneaked|walked)\s+(?:across|over|through)\s+the\s+border|"
                                   r"border\s+crossing|crossed\s+(?:over\s+)?illegally)\b", 0.85),
    ]

    def __init__(self, supported_language: str = "en"):
        super().__init__(supported_entity="IMMIGRATION_STATUS", patterns=self.PATTERNS,
                         supported_language=supported_language, name="ImmigrationStatusRecognizer")
