"""PlaceNameRecognizer: places from the gazetteers and after a phrase that introduces one."""
import pytest

from redaction_rules.recognizers import PlaceNameRecognizer
from tests.recognizer_helpers import found


def test_place_names_from_the_gazetteers():
    text = "He moved from Buenos Aires to New York and then Tunisia; reading the mobile map."
    assert [t for _, t in found(PlaceNameRecognizer(), text)] == ["Buenos Aires", "New York", "Tunisia"]


def test_small_towns_abroad_but_not_towns_named_like_words():
    text = "Born in Brønderslev, raised in Hyvinkää. The Dole account."
    assert [t for _, t in found(PlaceNameRecognizer(), text)] == ["Brønderslev", "Hyvinkää"]


@pytest.mark.parametrize("text,place", [("Mr. Kozłowski flew to Suurküla on Thursday.", "Suurküla"),
                                        ("mr. elliott flew to finnbogastaðir on friday.", "finnbogastaðir"),
                                        ("I'm Maciej, originally from ΚΑΤΩ ΠΟΛΕΜΙΔΙΑ, and 23.", "ΚΑΤΩ ΠΟΛΕΜΙΔΙΑ"),
                                        ("Where: UPTON SCUDAMORE", "UPTON SCUDAMORE")])
def test_a_place_after_a_phrase_that_introduces_one(text, place):
    assert ("LOCATION", place) in found(PlaceNameRecognizer(), text)


def test_a_place_cue_stops_at_common_and_lower_case_words():
    assert found(PlaceNameRecognizer(), "He went to the store and moved to a car, then drove to work.") == []
