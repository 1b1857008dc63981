"""The city's own places: its streets written by name alone, its neighbourhoods and landmarks.

Officers write "fled on Lehigh toward Kensington" and "searched the
Roosevelt Mall"; NER and the name recognizers take such words for people
or organizations, and redacting them loses where things happened, which a
contract that keeps LOCATION means to publish. A list per city
(`redaction_rules/places/NAME.yaml`, named by a contract's
`free_text.city_places`) says which words are its places; text redaction
keeps a name or organization guess that lies within one, as it keeps one
within a known place of several words.

A place that is also a person's name ("Washington", "Snyder", "Roosevelt")
counts only where the text says it is a place: a street word after it
("Snyder Ave"), or a word that places things before it ("on", "at",
"toward", "near", "of" ...). Elsewhere it may be someone's surname and stays
a name. A street's direction before it and a street word after it belong
to the place ("W Lehigh Ave"). A removed person's name is never kept by
this list (text redaction never drops a removed person's span).
"""
import re
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from redaction_rules.places import available, path_of
from redaction_rules.recognizers import gazetteers
from redaction_rules.recognizers.phrase_index import PhraseIndex
from redaction_rules.yaml_model import ModelFileError, load_model

NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PLACING = frozenset({"on", "onto", "at", "along", "toward", "towards", "near", "off", "from", "to", "down", "up",
                      "across", "via", "past", "of", "in", "into", "crossing", "and", "&", "between"})
_DIRECTIONS = frozenset({"n", "s", "e", "w", "north", "south", "east", "west"})
_STREET_WORDS = frozenset(gazetteers.STREET_SUFFIXES)
_TOKEN = re.compile(r"[\w'’&]+")
_NEXT = re.compile(r"[ \t]*(\w+)")


class CityPlaceList(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    city: str = Field(min_length=1)
    streets: list[str] = Field(default_factory=list)
    neighbourhoods: list[str] = Field(default_factory=list)
    landmarks: list[str] = Field(default_factory=list)


class CityPlacesError(ModelFileError):
    """A place list that cannot be used."""


@cache
def load(name: str) -> "CityPlaces":
    """The finder for a shipped list; a missing or invalid list is an error naming the file."""
    if not NAME.match(name) or not path_of(name).is_file():
        raise CityPlacesError([f"no place list {name!r}; shipped: {', '.join(available())}"])
    return CityPlaces.from_file(path_of(name))


class CityPlaces:
    def __init__(self, places: CityPlaceList):
        self._index = PhraseIndex({p: None for p in (*places.streets, *places.neighbourhoods, *places.landmarks)})
        self._names = gazetteers.load()["names"]

    @classmethod
    def from_file(cls, path) -> "CityPlaces":
        places, _ = load_model(path, CityPlaceList, "place list", CityPlacesError)
        return cls(places)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each mention of one of the city's places that the text shows to be one."""
        out = []
        for start, end, _ in self._index.matches(text):
            place = text[start:end]
            before = list(_TOKEN.finditer(text, max(0, start - 24), start))
            after = _NEXT.match(text, end)
            street = after is not None and after.group(1).lower() in _STREET_WORDS
            if before and before[-1].group().lower() in _DIRECTIONS and not text[before[-1].end():start].strip(". "):
                start, before = before[-1].start(), before[:-1]  # "W Lehigh"
            placed = bool(before) and before[-1].group().lower() in _PLACING
            if " " not in place and place.lower() in self._names and not (street or placed):
                continue  # "Washington said": maybe a surname
            if street:
                end = after.end(1) + (text[after.end(1):after.end(1) + 1] == ".")
            out.append((start, end))
        return out
