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

Everything else of a removed person (names, aliases, date of birth,
address lines, ZIP, phones, ids, birthplace, citizenship, language,
immigration status) is removed wherever it occurs, whatever the contract
keeps for the people it shows.
"""
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


def places_to_remove(person: dict) -> list[str]:
    """A removed person's city and state that text redaction must remove: those the rule does not excuse."""
    address = person.get("address")
    if not isinstance(address, dict):
        return []
    return [value for field, value in (("persons.address.city", address.get("city")),
                                       ("persons.address.state", address.get("state")))
            if isinstance(value, str) and value.strip() and not excused_in_text(field, value)]
