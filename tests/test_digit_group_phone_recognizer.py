"""DigitGroupPhoneRecognizer: numbers outside the North American plan."""
import pytest

from redaction_rules.recognizers import DigitGroupPhoneRecognizer
from tests.recognizer_helpers import found


@pytest.mark.parametrize("phone", ["+41 (0)96 471 07 95", "+447700 921 916", "699 956 915", "71-33-52-22", "+447700677662"])
def test_digit_group_phones(phone):
    assert ("PHONE_NUMBER", phone) in found(DigitGroupPhoneRecognizer(), f"Call me on {phone} tomorrow.")


def test_digit_group_phones_leave_dates_and_short_numbers():
    assert found(DigitGroupPhoneRecognizer(), "On 2018-06-30 at 14 30 he paid $312 for 42 items.") == []
