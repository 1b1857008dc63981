"""InternationalAddressRecognizer: units, boxes, streets abroad, postcodes."""
import pytest

from redaction_rules.recognizers import InternationalAddressRecognizer
from tests.recognizer_helpers import found


@pytest.mark.parametrize("text,address", [
    ("She lives at Koskikatu 25 in Helsinki.", "Koskikatu 25"),
    ("Timotea lives on Via dei Fiorentini 17 street.", "Via dei Fiorentini 17"),
    ("The office is at 9243 Avenue d'Ouchy 109 now", "Avenue d'Ouchy 109"),
    ("It's in 0269 Stensås terrasse 38", "0269 Stensås terrasse 38"),
    ("The restaurant is at 5521 119 Countess Close", "119 Countess Close"),
    ("Family at 6750 Magasinsgatan 7, Uppsala", "6750 Magasinsgatan 7"),
    ("Sent to Király u. 15. last year", "Király u. 15."),
    ("Her brother stays at Rua do Arenque 1634.", "Rua do Arenque 1634"),
    ("Letters went to 62 Rue Gafsa", "62 Rue Gafsa"),
    ("mail: PSC 0413, Box 8144", "PSC 0413"),
    ("APO AA 42323", "APO AA 42323"),
    ("He gave Apt. 595 as his unit", "Apt. 595"),
    ("postcode Uruguay 64677 on the form", "Uruguay 64677"),
    ("moved to Colorado Springs, CO 80903 in May", "Colorado Springs, CO 80903"),
    ("mail to 7494 Hlíðarvegur 97 please", "7494 Hlíðarvegur 97"),
    ("It is the corner of Dalbraut 99 and Frederikke Coves", "the corner of Dalbraut 99 and Frederikke Coves"),
])
def test_international_addresses(text, address):
    assert ("STREET_ADDRESS", address) in found(InternationalAddressRecognizer(), text)


def test_international_addresses_need_a_number_and_a_capitalised_name():
    text = "He was transported via medic 23 to Temple; the box was empty; suite of rooms; Via Appia."
    assert found(InternationalAddressRecognizer(), text) == []
    # a date, or a report in capitals ("OF 1234 ELM ST CALLED 911") is not a street with its number
    text = "Seen on 12 March 2019 and 3 Friday 4; OF 14 CALLED 911 AFTER 5. On the corner of the room and hall."
    assert found(InternationalAddressRecognizer(), text) == []
