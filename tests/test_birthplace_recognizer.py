"""BirthplaceRecognizer: places of birth after a birth phrase, nationality from demonyms."""
import pytest

from redaction_rules.recognizers import BirthplaceRecognizer
from tests.recognizer_helpers import found


@pytest.mark.parametrize("text,entity,place", [
    ("She stated she was born in Tegucigalpa, Honduras.", "PLACE_OF_BIRTH", "Tegucigalpa, Honduras"),
    ("He is a native of Haiti.", "PLACE_OF_BIRTH", "Haiti"),
    ("She was born in Guatemala City, Guatemala.", "PLACE_OF_BIRTH", "Guatemala City, Guatemala"),
    ("He is originally from Puebla and works nearby.", "PLACE_OF_BIRTH", "Puebla"),
    ("She emigrated from Vietnam in 2009.", "PLACE_OF_BIRTH", "Vietnam"),
    ("HE WAS BORN IN DUBLIN, IRELAND.", "PLACE_OF_BIRTH", "DUBLIN, IRELAND"),
    ("He is a citizen of the Dominican Republic.", "NATIONALITY", "the Dominican Republic"),
    ("She is a Guatemalan national.", "NATIONALITY", "Guatemalan"),
    ("MS. ULLOA IS A MEXICAN NATIONAL.", "NATIONALITY", "MEXICAN"),
    ("Two Hondurans and a Peruvian were there.", "NATIONALITY", "Hondurans"),
    ("We are proud Surinamese and Saudis.", "NATIONALITY", "Saudis"),
    ("A Barbudan tourist.", "NATIONALITY", "Barbudan"),
])
def test_birthplace_and_nationality(text, entity, place):
    assert (entity, place) in found(BirthplaceRecognizer(), text)


def test_birthplace_needs_a_phrase_for_country_names():
    assert found(BirthplaceRecognizer(), "The car was a used Honda from a lot on Roosevelt Blvd.") == []
