"""The city's own places (`city_places`): found where the text shows them to be places."""
import pytest

from redaction_rules import city_places


@pytest.fixture(scope="module")
def philadelphia():
    return city_places.load("philadelphia")


@pytest.mark.parametrize("text,places", [
    ("Deft fled on W Lehigh Ave. toward Kensington and Allegheny.", ["W Lehigh Ave.", "Kensington", "Allegheny"]),
    ("Police went to the Roosevelt Mall in Fishtown.", ["Roosevelt Mall", "Fishtown"]),
    ("at the corner of Washington and Broad", ["Washington", "Broad"]),
    ("Washington said he saw it on Snyder Ave; Mr. Snyder agreed.", ["Snyder Ave"]),
    ("DEFT FLED ON LEHIGH TOWARD FISHTOWN", ["LEHIGH", "FISHTOWN"]),
])
def test_places_and_the_names_among_them(philadelphia, text, places):
    assert [text[a:b] for a, b in philadelphia.spans(text)] == places


def test_an_unknown_list_or_key_is_an_error_with_file_and_line(tmp_path):
    with pytest.raises(city_places.CityPlacesError, match="no place list 'gotham'; shipped: philadelphia"):
        city_places.load("gotham")
    bad = tmp_path / "bad.yaml"
    bad.write_text("city: Gotham\nstreets: [Main]\nparks: [Central]\n")
    with pytest.raises(city_places.CityPlacesError, match=r"bad.yaml:3: parks: unknown key"):
        city_places.CityPlaces.from_file(bad)
