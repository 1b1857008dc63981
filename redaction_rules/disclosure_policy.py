"""What of a removed person may still stand in free text: one rule, read by the redactor and by the gate.

The gate forbids every value of a removed person, and text redaction
removes what the record's recognizer indexes. Where the two lists differ,
a record is quarantined for a word the redactor was never asked to remove
(a victim's home city kept as a place, because the contract keeps
LOCATION). So both read this module:

- **Descriptive words** (a removed person's `sex`, `race` and `ethnicity`,
  when written out: "female", "Black", "Hispanic") may stand in free
  text. They identify nobody alone, and the same word about the arrestee
  or a passer-by cannot be told apart from one about the victim; as fields
  they leave with the person, that is, not at all.
- **Places** (a removed person's `address.city` and `address.state`) may
  stand in free text only when they are too large to find anyone by: a
  country, a US state (name or code), or a city of at least
  `gazetteers.BIG_CITY` people. "Los Angeles" says nothing of where a
  victim lives; "Kutztown" may. A place that is not on that list, or is
  spelt so that it is not found there, is not excused: the record's
  recognizer indexes it as the person's address, text redaction removes
  it, and the gate searches for it (fail closed). The street, the house
  number and the ZIP are identifying and never excused, so a large city
  with any of them still goes.

- **Dates**: a removed person's date of birth goes in every way officers
  write it (`date_spellings`: 01/02/1975, 1/2/75, Jan. 2, 1975, 2 January
  1975, ...), and the gate searches for each; any other date, time, age,
  duration or year in the text is the contract's DATE_TIME, not the
  person's, even in a sentence about them.

Everything else of a removed person (names, aliases, date of birth,
address lines, ZIP, phones, ids, birthplace, citizenship, language,
immigration status) is removed wherever it occurs, whatever the contract
keeps for the people it shows.
"""
from datetime import date

from redaction_rules.case_folding import fold_case

DESCRIPTIVE_FIELDS = ("persons.sex", "persons.race", "persons.ethnicity")
PLACE_FIELDS = ("persons.address.city", "persons.address.state")


def is_large_place(value: str) -> bool:
    # imported here: the recognizers package imports this module (its record recognizer follows the rule)
    from redaction_rules.recognizers.gazetteers import load
    return " ".join(fold_case(value).split()) in load()["large_places"]


def excused_in_text(path: str, value: str) -> bool:
    """Whether a removed person's value at `path` may stand in free text (see the module's rule)."""
    if path in DESCRIPTIVE_FIELDS:
        return True
    if path in PLACE_FIELDS:
        return is_large_place(value)
    return False


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _ordinal(day: int) -> str:
    return f"{day}{'th' if 10 <= day % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"


def date_spellings(iso) -> list[str]:
    """A `YYYY-MM-DD` date as it may be written in a narrative; nothing for anything else."""
    if not isinstance(iso, str):
        return []
    try:
        day = date.fromisoformat(iso.strip())
    except ValueError:
        return []
    y, m, d = day.year, day.month, day.day
    month = _MONTHS[m - 1]
    short = month[:3]
    numeric = {f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{y}", f"{m:02d}/{d:02d}/{y % 100:02d}", f"{m}/{d}/{y % 100:02d}",
               f"{m:02d}-{d:02d}-{y}", f"{m}-{d}-{y}", f"{m:02d}.{d:02d}.{y}", f"{y}-{m:02d}-{d:02d}", f"{y}/{m:02d}/{d:02d}"}
    words = {f"{month} {d}, {y}", f"{month} {d} {y}", f"{short} {d}, {y}", f"{short}. {d}, {y}", f"{short} {d} {y}",
             f"{d} {month} {y}", f"{d} {short} {y}", f"{d:02d}-{short}-{y}", f"{d}-{short}-{y}", f"{month} {_ordinal(d)}, {y}"}
    return sorted(numeric | words)


def places_to_remove(person: dict) -> list[str]:
    """A removed person's city and state that text redaction must remove: those the rule does not excuse."""
    address = person.get("address")
    if not isinstance(address, dict):
        return []
    return [value for field, value in (("persons.address.city", address.get("city")),
                                       ("persons.address.state", address.get("state")))
            if isinstance(value, str) and value.strip() and not excused_in_text(field, value)]
