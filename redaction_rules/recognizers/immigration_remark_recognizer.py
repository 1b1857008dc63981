"""Immigration remarks without a status word, run only on text that holds one of their keywords.

Officers write about status without naming one: form numbers (an I-247
detainer, an I-130 petition, I-589 asylum), removal history ("was
deported", "prior removal"), immigration courts, holds and agents, calls
to ICE, "no papers", border crossings. Each is a full scan of the text, and
most narratives hold none of them, so a text is scanned only when it holds
a keyword that every one of these patterns contains (`KEYWORDS`); the
matches are the same as without it (a test runs both ways).
"""
import re

from presidio_analyzer import Pattern, PatternRecognizer

_PRONOUN = r"(?:his|her|their)"
# USCIS, ICE and State Department form numbers that no U.S. Interstate shares: any mention is about a
# person's status (I-247 detainer, I-130 petition, I-589 asylum, I-862 notice to appear, ...).
_FORMS = (r"(?:i-?\s?(?:129f?|130|131|134|191|192|212|213|247[adnx]?|286|360|407|539|551|589|590|601a?|730|751|765|"
          r"797[a-e]?|821d?|862|864|868|914|918)|ds-?\s?(?:160|2019)|n-?\s?(?:400|600)|g-?\s?325a?|eoir-?\s?\d{2})")
# Numbers that are forms and Interstates too (I-20, I-94, I-140, I-205, I-220, I-385, I-485): a form only beside a cue.
_SHARED_FORMS = r"i-?\s?(?:20|94|140|205|220|385|485)"
_AUTHORITIES = r"(?:ice|immigration|homeland\s+security|dhs|cbp|border\s+patrol|la\s+migra|uscis)"
# Every pattern below matches only text holding one of these.
KEYWORDS = re.compile(r"\b(?:(?:i|ds|n|g)-?\s?\d|eoir|deport|remov|re-?entr|immigra|migra|uscis|border|ice\b|"
                      r"homeland|dhs\b|cbp\b|papers|papeles|documen|illegal|self-?deport)", re.IGNORECASE)


class ImmigrationRemarkRecognizer(PatternRecognizer):
    PATTERNS = [
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

    def __init__(self, patterns: list[Pattern] | None = None, supported_language: str = "en",
                 supported_entity: str = "IMMIGRATION_STATUS", name: str | None = None):
        super().__init__(supported_entity=supported_entity, patterns=patterns or self.PATTERNS,
                         supported_language=supported_language, name=name or type(self).__name__)

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        if not KEYWORDS.search(text):
            return []
        return super().analyze(text, entities, nlp_artifacts, regex_flags)
