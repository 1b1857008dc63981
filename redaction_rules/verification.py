"""The verification gate: does an output record still hold what must not leave?

Independent of text redaction by design: it does not look at what the
recognizers found, only at the input record and the output record. From the
input it collects every value that must not leave (every identifying value
of a removed person, every value of a stripped category, every dropped
field longer than three characters that is not a common word) and searches
the whole output for them: words case-insensitively, phones and identifiers
by their digits. It also checks the output's shape: only allowed fields,
only visible roles.

A value is not searched for when the contract publishes the same value, or
a word of a value, as-is in a visible person's own fields or the charges of
the same record (a victim who shares the arrestee's surname or home, a
charge title that names the city): the recipient is allowed to see that
string about someone else. Record-level fields such as the incident
location never excuse a value: they are where a victim's home would leak.
And a single word found inside a longer structured value is not a leak
when that field's own input value holds it (a victim born in Baltimore, an
incident on the 1200 block of Baltimore Ave): a structured value can only
carry what its source field held. A whole value (an address, a full name)
gets no such allowance, nor does free text: a victim's home address kept
as the incident location is a leak. Reasons name field
paths and roles, never values.
"""
import re
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from redaction_rules.contract import Contract, Keep
from redaction_rules.fields import CATEGORY_FIELDS, IDENTIFYING_PERSON_FIELDS, catalog

_DIGIT_RUN = re.compile(r"[+(]?\d[\d\s().-]*\d")
_PERSON_INDEX = re.compile(r"persons\[(\d+)\]")
_NON_WORD = re.compile(r"\W")
_WORDS = re.compile(r"[\w'-]+")
_PATH_PART = re.compile(r"[^.\[\]]+|\[\d+\]")
MIN_DIGITS = 7
MIN_DROPPED_LENGTH = 4
_ENUM_WORDS = {"arrestee", "victim", "witness", "complainant", "other", "felony", "misdemeanor",
               "summary", "held", "released", "bail_posted", "true", "false"}


@dataclass(frozen=True)
class Forbidden:
    value: str
    why: str          # e.g. "persons[2].phone of a removed victim"; never the value
    by_digits: bool


def _leaves(obj, loc="", generic=""):
    """(concrete path, generic path, value) for every scalar in a record."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, f"{loc}.{k}" if loc else str(k), f"{generic}.{k}" if generic else str(k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _leaves(v, f"{loc}[{i}]", generic)
    elif obj is not None:
        yield loc, generic, obj


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _common(value: str) -> bool:
    return value.lower() in STOP_WORDS or value.lower() in _ENUM_WORDS


class VerificationGate:
    def __init__(self, contract: Contract):
        self.contract = contract
        self.allowed = set(contract.fields)
        self.kept_as_is = {p for p, r in contract.fields.items() if isinstance(r, Keep)}
        self.free_text = {p for p, f in catalog().items() if f.kind == "free_text"}
        self.stripped = {p: c for c in contract.strip for p in CATEGORY_FIELDS[c]}
        self.roles = set(contract.roles)

    def forbidden(self, record: dict) -> list[Forbidden]:
        persons = record.get("persons") if isinstance(record.get("persons"), list) else []
        removed_at = {i: p.get("role") for i, p in enumerate(persons)
                      if isinstance(p, dict) and p.get("role") not in self.roles}
        out = []
        for path, generic, value in _leaves(record):
            if not isinstance(value, str) or not value.strip():
                continue
            m = _PERSON_INDEX.match(path)
            role = removed_at.get(int(m.group(1))) if m else None
            if role is not None:
                if generic in IDENTIFYING_PERSON_FIELDS or generic in self.stripped:
                    out.append(self._entry(value, f"{path} of a removed {role}", min_length=2))
                    if generic == "persons.name.last":
                        first = (persons[int(m.group(1))].get("name") or {}).get("first")
                        if isinstance(first, str) and first.strip():
                            out.append(self._entry(f"{first} {value}", f"{path} (full name) of a removed {role}", 2))
                elif len(value) >= MIN_DROPPED_LENGTH and not _common(value):
                    out.append(self._entry(value, f"{path} of a removed {role}", MIN_DROPPED_LENGTH))
            elif generic in self.stripped:
                out.append(self._entry(value, f"{path} (stripped category {self.stripped[generic]})", min_length=2))
            elif generic not in self.allowed and len(value) >= MIN_DROPPED_LENGTH and not _common(value):
                out.append(self._entry(value, f"{path} (field not allowed)", MIN_DROPPED_LENGTH))
        exempt = self._published_as_is(record)
        exempt_digits = {_digits(v) for v in exempt if len(_digits(v)) >= MIN_DIGITS}
        return [f for f in out if f is not None
                and (f.value not in exempt_digits if f.by_digits else " ".join(f.value.lower().split()) not in exempt)]

    @staticmethod
    def _entry(value: str, why: str, min_length: int) -> Forbidden | None:
        value = " ".join(value.split())
        digits = _digits(value)
        if len(digits) >= MIN_DIGITS and len(digits) >= len(_NON_WORD.sub("", value)) - 2:
            return Forbidden(digits, why, by_digits=True)
        if len(value) < min_length:
            return None
        return Forbidden(value, why, by_digits=False)

    def _published_as_is(self, record: dict) -> set[str]:
        """Words and values that visible people's and charges' kept fields put in the feed anyway."""
        visible = dict(record)
        visible["persons"] = [p for p in record.get("persons") or [] if isinstance(p, dict) and p.get("role") in self.roles]
        exempt = set()
        for _, generic, value in _leaves(visible):
            if (generic in self.kept_as_is and generic.startswith(("persons.", "charges."))
                    and isinstance(value, str)):
                text = " ".join(value.lower().split())
                exempt.add(text)
                exempt.update(_WORDS.findall(text))
        return exempt

    def _visible(self, record: dict) -> dict:
        persons = [p for p in record.get("persons") or [] if isinstance(p, dict) and p.get("role") in self.roles]
        ids = {p.get("person_id") for p in persons}
        charges = [c for c in record.get("charges") or []
                   if isinstance(c, dict) and (c.get("person_id") is None or c.get("person_id") in ids)]
        return {**record, "persons": persons, "charges": charges}

    @staticmethod
    def _source(visible: dict, path: str):
        """The input value an output field was made from (outputs keep the visible order)."""
        value = visible
        for part in _PATH_PART.findall(path):
            try:
                value = value[int(part[1:-1])] if part.startswith("[") else value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def check(self, record: dict, output: dict) -> list[str]:
        """Reasons the output must not be published; empty when it may be."""
        reasons = []
        leaves = list(_leaves(output))
        for path, generic, _ in leaves:
            if generic not in self.allowed:
                reasons.append(f"{path}: field not allowed by the contract")
        for i, person in enumerate(output.get("persons") or []):
            if isinstance(person, dict) and "role" in person and person["role"] not in self.roles:
                reasons.append(f"persons[{i}]: role not visible under the contract")
        forbidden = self.forbidden(record)
        if not forbidden:
            return reasons
        visible = self._visible(record)
        strings = [(path, generic, value) for path, generic, value in leaves if isinstance(value, str)]
        # Most records hold none of their forbidden values: a substring test on
        # the case- and space-folded output finds the few candidates, and only
        # those are matched as whole words, field by field.
        folded = "\n".join(" ".join(value.lower().split()) for _, _, value in strings)
        by_text: dict[str, list[Forbidden]] = {}
        for f in forbidden:
            key = " ".join(f.value.lower().split())
            if not f.by_digits and key in folded:
                by_text.setdefault(key, []).append(f)
        digits = [f for f in forbidden if f.by_digits]
        pattern = None
        if by_text:
            body = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in sorted(by_text, key=len, reverse=True))
            pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.I)
        for path, generic, value in strings:
            source = None if generic in self.free_text else self._source(visible, path)
            if pattern is not None:
                for m in pattern.finditer(value):
                    word = m.group()
                    if (isinstance(source, str) and not re.search(r"\s", word) and word != value.strip()
                            and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", source, re.I)):
                        continue
                    for f in by_text.get(" ".join(word.lower().split()), []):
                        reasons.append(f"{f.why} found in {path}")
            if digits and any(ch.isdigit() for ch in value):
                runs = [_digits(r) for r in _DIGIT_RUN.findall(value)]
                for f in digits:
                    if any(f.value in run for run in runs):
                        reasons.append(f"{f.why} found in {path} (by digits)")
        return sorted(set(reasons))
