"""NanpPhoneRecognizer: North American numbers as reports write them."""
import pytest

from redaction_rules.recognizers import NanpPhoneRecognizer
from tests.recognizer_helpers import found


@pytest.mark.parametrize("phone", ["215-555-0143", "(215) 555-0143", "215.555.0143", "2155550143", "+1 215 555 0143"])
@pytest.mark.parametrize("upper", [False, True])
def test_phone_every_fixture_format(phone, upper):
    text = f"Comp can be reached at {phone}, after 9 PM."
    text = text.upper() if upper else text
    assert ("PHONE_NUMBER", phone) in found(NanpPhoneRecognizer(), text)


def test_phone_leaves_dc_numbers_otns_and_times_alone():
    text = "DC# 1824012345, OTN N 224571-3, at 1430 hrs, 42 packets, $312."
    assert found(NanpPhoneRecognizer(), text) == []
