"""Address blocks: the parts of one address joined into one span (`address_blocks`)."""
from presidio_analyzer import RecognizerResult

from redaction_rules.address_blocks import with_address_blocks


def addresses(text, parts):
    results = [RecognizerResult("STREET_ADDRESS", text.index(p), text.index(p) + len(p), 0.6) for p in parts]
    return [text[r.start:r.end] for r in with_address_blocks(text, results)[len(parts):]]


def test_an_address_block_takes_its_town_lines_and_street_line():
    text = "Address:\n> Serenade Opus 420 Gairbekov Rapids\n> Apt. 576\n> Voormezele\n> , CO\n> Belgium 92060\nThanks"
    assert addresses(text, ["Apt. 576", "Belgium 92060"]) == ["Serenade Opus 420 Gairbekov Rapids", "Voormezele", "CO"]


def test_an_address_takes_the_towns_after_its_commas_but_not_a_sentence():
    assert addresses("lives at 333 Golfskálinn 78, Borgarnes, Iceland 1234.", ["333 Golfskálinn 78"]) == [
        "Borgarnes", "Iceland 1234", "333 Golfskálinn 78, Borgarnes, Iceland 1234"]
    assert "Montealegre del Castillo" in addresses("at Suite 263, Montealegre del Castillo, Spain", ["Suite 263"])
    assert addresses("AT 3200 BLOCK OF KENSINGTON AVE, STATED THAT NEVAREZ, LEFT", ["3200 BLOCK OF KENSINGTON AVE"]) == []
    assert addresses("at 12 Elm St, Officer Diaz stated that", ["12 Elm St"]) == []
    assert addresses("at 12 Elm St, and then", ["12 Elm St"]) == []
    assert addresses("Line one 12 Elm St\nA long line of narrative that is clearly not a town at all.\nUSA 19104",
                     ["12 Elm St", "USA 19104"]) == []


def test_parts_of_one_address_become_one_span_with_the_commas_between_them():
    text = "mail to PSC 6293, Box 8158\nAPO AP 04336 today"
    assert addresses(text, ["PSC 6293", "Box 8158", "APO AP 04336"])[-1] == "PSC 6293, Box 8158\nAPO AP 04336"
    # two addresses in one sentence stay two
    assert addresses("12 Elm St and 40 Oak Ave", ["12 Elm St", "40 Oak Ave"]) == []


def test_an_address_takes_its_building_number_and_the_town_that_ends_its_line():
    assert addresses("Address:  594 Hegedûs Gyula utca 76.", ["Hegedûs Gyula utca 76."]) == [
        "594 ", "594 Hegedûs Gyula utca 76."]
    assert addresses("12521 Belgrád rkp. 18. Apt. 417 Csipkerek Vas\nThanks", ["Apt. 417"]) == [
        "Csipkerek Vas", "Apt. 417 Csipkerek Vas"]
    # a date or a lower-case word after the street is not its town
    assert addresses("He was seen at 12 Elm St Tuesday", ["12 Elm St"]) == []
    assert addresses("He was seen at 12 Elm St today", ["12 Elm St"]) == []
    # on 5/12 or at 10:12 is not a building number
    assert addresses("on 5/12 Koskikatu 25", ["Koskikatu 25"]) == []


def test_an_address_takes_the_town_before_a_place_the_ner_found():
    text = "It arrived at 6400 12 Timms Drive Suite 215 NUNGATTA Australia last night."
    parts = [RecognizerResult("STREET_ADDRESS", text.index("12 Timms"), text.index(" NUNGATTA"), 0.7),
             RecognizerResult("LOCATION", text.index("Australia"), text.index(" last"), 0.85)]
    added = [text[r.start:r.end] for r in with_address_blocks(text, parts)[2:]]
    assert "NUNGATTA" in added and "6400 12 Timms Drive Suite 215 NUNGATTA" in added


def test_an_address_block_ends_at_its_postcode_line_or_country_line_and_takes_the_ship_above_a_fleet_post():
    text = "Sent to 0538 15 Millicent Drive\nMuel\n, Z\n 16518\nThanks for everything you did for us"
    assert addresses(text, ["0538 15 Millicent Drive"]) == ["Muel", "Z", "16518",
                                                            "0538 15 Millicent Drive\nMuel\n, Z\n 16518"]
    text = "Megan Carey\nUSNS Bergman\nFPO AP 93757\nMobile: 0341 8387176"
    assert "USNS Bergman" in addresses(text, ["FPO AP 93757"])
