"""ImmigrationStatusRecognizer and ImmigrationRemarkRecognizer: status in every form, together as the engine runs them."""
import pytest

from redaction_rules.recognizers import ImmigrationRemarkRecognizer, ImmigrationStatusRecognizer
from tests.recognizer_helpers import THRESHOLD, found


@pytest.mark.parametrize("phrase", ["undocumented", "without legal status", "no legal status", "entered the country illegally",
                                    "overstayed his visa", "visa overstay", "has an ICE detainer", "ICE detainer lodged",
                                    "asylum case pending", "refugee", "TPS", "Temporary Protected Status", "DACA recipient",
                                    "green card", "lawful permanent resident", "LPR", "H-1B visa", "B-2 visa",
                                    "A212345678", "A# 212-345-678", "A-212-345-678", "A 212 345 678",
                                    # without a status word: forms, removal history, courts and holds, papers, the border
                                    "an I-247 detainer", "I-247A", "Form I-130", "I-589", "an I-862", "N-400", "DS-160",
                                    "his I-94", "I-94 record", "form I-20", "I-485 application", "was deported",
                                    "deported in 2014", "a prior removal", "illegal reentry", "removed from the United States",
                                    "immigration court", "an immigration hold", "immigration", "ICE agents", "la migra",
                                    "Border Patrol", "threatened to call immigration", "called ICE", "no papers",
                                    "doesn't have papers", "has no papers", "crossed the border", "came across the border",
                                    "sin papeles", "contacted USCIS"])
@pytest.mark.parametrize("upper", [False, True])
def test_immigration_status_phrases(phrase, upper):
    text = f"Deft stated that {phrase} per his statement."
    text, phrase = (text.upper(), phrase.upper()) if upper else (text, phrase)
    results = [r for recognizer in (ImmigrationStatusRecognizer(), ImmigrationRemarkRecognizer())
               for r in recognizer.analyze(text, recognizer.supported_entities, None)
               if r.score >= THRESHOLD]  # a pattern under it would be dropped in production
    redacted = text
    for r in sorted(results, key=lambda r: -r.start):
        redacted = redacted[:r.start] + "<X>" + redacted[r.end:]
    assert phrase not in redacted, redacted


@pytest.mark.parametrize("text", [
    "Officers stopped the vehicle; the driver had a valid license and an address on Tasker St.",
    "The vehicle was traveling east on I-95, then took I-676 and I-76 to the I-476 ramp near I-94.",
    "Snow removal crews blocked the ramp; removal of the vehicle was requested. Ice on the steps.",
    "The victim was removed to Temple Hospital by medics; the deft was removed to the 24th district.",
    "She had no ID and no money; the documents in the glovebox were the registration and insurance papers.",
    "The defendant crossed the street against the light and walked across the bridge.",
])
def test_immigration_status_leaves_ordinary_words(text):
    assert found(ImmigrationStatusRecognizer(), text) == [] and found(ImmigrationRemarkRecognizer(), text) == []
