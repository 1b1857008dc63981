"""StreetAddressRecognizer: US street addresses and hundred blocks."""
import pytest

from redaction_rules.recognizers import StreetAddressRecognizer
from tests.recognizer_helpers import found


@pytest.mark.parametrize("address", ["1234 N 5th St", "4697 Cecil B Moore Ave", "57 Market Street",
                                     "3029 Frankford Ave, Apt 4D", "1200 block of Kensington Ave",
                                     "7975 RIDGE AVE", "6900 BLOCK OF W SUSQUEHANNA AVE"])
def test_street_addresses_and_hundred_blocks(address):
    text = f"The complainant resides at {address}. She was transported."
    assert ("STREET_ADDRESS", address) in found(StreetAddressRecognizer(), text)


def test_street_address_ignores_counts_and_money():
    assert found(StreetAddressRecognizer(), "A search recovered 42 packets and $312 in cash on 3 occasions.") == []


def test_a_number_and_a_clause_that_ends_at_a_street_are_no_address():
    text = "The victim drove a 2016 Kia Optima to Cottman Ave and ran 3 blocks on Broad St. 12 ONTARIO ST"
    assert found(StreetAddressRecognizer(), text) == [("STREET_ADDRESS", "12 ONTARIO ST")]
