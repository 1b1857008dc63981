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
as the incident location is a leak. Free text may hold only what
`disclosure_policy` excuses, the rule text redaction follows too: a
removed person's descriptive words, and a city or state too large to find
anyone by. Reasons name field paths and roles, never values.
"""
import re
from typing import NamedTuple

from spacy.lang.en.stop_words import STOP_WORDS

from redaction_rules.case_folding import fold_case
from redaction_rules.contract import Contract, Keep
from redaction_rules.disclosure_policy import date_spellings, excused_in_text
from redaction_rules.fields import CATEGORY_FIELDS, IDENTIFYING_PERSON_FIELDS, catalog, enum_values

_DIGIT_RUN = re.compile(r"[+(]?\d[\d\s().-]*\d")
_NOT_DIGIT = re.compile(r"\D")
_NON_WORD = re.compile(r"\W")
_WORDS = re.compile(r"[\w'-]+")
MIN_DIGITS = 7
MIN_DROPPED_LENGTH = 4
# Values a field may take by the spec (roles, charge classes, ...): every record has them, they name no one.
_ENUM_WORDS = frozenset({*enum_values(), "true", "false"})


class Forbidden(NamedTuple):
    value: str        # its digits, or the text case- and space-folded (`_fold`)
    loc: tuple        # where in the input it was
    what: str         # e.g. "of a removed victim"; never the value
    by_digits: bool
    text_ok: bool = False  # may stand in free text (disclosure_policy), not in a structured field

    @property
    def why(self) -> str:
        return f"{_path(self.loc)} {self.what}"


def _path(loc: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def _fold(text: str) -> str:
    """Case and spacing folded the way the gate's whole-word match compares:
    strings re.IGNORECASE finds equal fold to the same string."""
    return " ".join(fold_case(text).split())


def _digits(value: str) -> str:
    return _NOT_DIGIT.sub("", value)


def _common(value: str) -> bool:
    return value.lower() in STOP_WORDS or value.lower() in _ENUM_WORDS


class _Place:
    """A field path and what the contract makes of it: looked up once a
    path when the gate is built, not once a value (records hold a hundred
    values or more). Arrays do not add a level: every item of
    `persons.aliases` is at the same place."""
    __slots__ = ("generic", "allowed", "published", "stripped", "identifying", "free_text", "children")

    def __init__(self, generic: str, gate: "VerificationGate"):
        self.generic = generic
        self.allowed = generic in gate.allowed
        self.published = generic in gate.published
        self.stripped = gate.stripped.get(generic)
        self.identifying = generic in IDENTIFYING_PERSON_FIELDS
        self.free_text = generic in gate.free_text
        self.children: dict[str, _Place] = {}


class VerificationGate:
    def __init__(self, contract: Contract):
        self.contract = contract
        self.allowed = set(contract.fields)
        self.exempting = _path_tree([p.split(".") for p, r in contract.fields.items()
                                     if isinstance(r, Keep) and p.startswith(("persons.", "charges."))])
        self.free_text = {p for p, f in catalog().items() if f.kind == "free_text"}
        self.stripped = {p: c for c in contract.strip for p in CATEGORY_FIELDS[c]}
        self.roles = set(contract.roles)
        # a visible person's or the record's own value at one of these paths is the feed's to carry
        self.published = self.allowed - self.stripped.keys()
        self.root = _Place("", self)
        for path in {*catalog(), *self.allowed, *self.stripped, *IDENTIFYING_PERSON_FIELDS}:
            place = self.root
            for i, key in enumerate(parts := path.split(".")):
                if key not in place.children:
                    place.children[key] = _Place(".".join(parts[:i + 1]), self)
                place = place.children[key]

    def _unknown(self, parent: _Place, key: str) -> _Place:
        """A field the spec does not know: never allowed, so never published.
        Not added to the tree, which input must not be able to grow."""
        return _Place(f"{parent.generic}.{key}" if parent.generic else key, self)

    def _leaves(self, node, place: _Place, loc: tuple, out: list, unpublished: bool = False) -> list:
        """(location, place, value) of every scalar under `node`, appended to
        `out`; with `unpublished`, not those at a place the contract
        publishes as is."""
        if isinstance(node, dict):
            for key, value in node.items():
                child = place.children.get(key) or self._unknown(place, key)
                self._leaves(value, child, loc + (key,), out, unpublished)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                self._leaves(value, place, loc + (i,), out, unpublished)
        elif node is not None and not (unpublished and place.published):
            out.append((loc, place, node))
        return out

    def forbidden(self, record: dict) -> list[Forbidden]:
        out = []
        children = self.root.children
        for key, value in record.items():
            place = children.get(key) or self._unknown(self.root, key)
            if key == "persons" and isinstance(value, list):
                for index, person in enumerate(value):
                    removed = isinstance(person, dict) and person.get("role") not in self.roles
                    role = person.get("role") if removed else None
                    self._collect(person, place, ("persons", index), role, person, out)
            else:
                self._collect(value, place, (key,), None, None, out)
        return [f for f in out if f is not None]

    def _collect(self, node, place: _Place, loc: tuple, role, person, out: list) -> None:
        """The values under `node` that must not leave; `role` is set under a removed person.

        Most values are published as they are (a visible person's, the
        record's): those are passed over.
        """
        for loc, place, value in self._leaves(node, place, loc, [], unpublished=role is None):
            if isinstance(value, str) and value.strip():
                self._forbid(value, place, loc, role, person, out)

    def _forbid(self, value: str, place: _Place, loc: tuple, role, person, out: list) -> None:
        if role is not None:
            if place.identifying or place.stripped:
                out.append(self._entry(value, loc, f"of a removed {role}", min_length=2))
                if place.generic == "persons.dob":
                    for spelling in date_spellings(value):  # as text: "01/02/1975" holds no digit run
                        out.append(Forbidden(_fold(spelling), loc, f"(date of birth) of a removed {role}", False))
                if place.generic == "persons.name.last":
                    first = (person.get("name") or {}).get("first")
                    if isinstance(first, str) and first.strip():
                        out.append(self._entry(f"{first} {value}", loc, f"(full name) of a removed {role}", 2))
            elif len(value) >= MIN_DROPPED_LENGTH and not _common(value):
                entry = self._entry(value, loc, f"of a removed {role}", MIN_DROPPED_LENGTH)
                if entry is not None and excused_in_text(place.generic, value):
                    entry = entry._replace(text_ok=True)
                out.append(entry)
        elif place.stripped:
            out.append(self._entry(value, loc, f"(stripped category {place.stripped})", min_length=2))
        elif len(value) >= MIN_DROPPED_LENGTH and not _common(value):  # a field the contract does not allow
            out.append(self._entry(value, loc, "(field not allowed)", MIN_DROPPED_LENGTH))

    def _not_exempt(self, record: dict, candidates: list[Forbidden]) -> list[Forbidden]:
        exempt = self._published_as_is(record)
        exempt_digits = set()
        if any(f.by_digits for f in candidates):
            exempt_digits = {digits for v in exempt if len(v) >= MIN_DIGITS and len(digits := _digits(v)) >= MIN_DIGITS}
        return [f for f in candidates
                if (f.value not in exempt_digits if f.by_digits else f.value not in exempt)]

    @staticmethod
    def _entry(value: str, loc: tuple, what: str, min_length: int) -> Forbidden | None:
        value = " ".join(value.split())
        if len(value) >= MIN_DIGITS:  # a shorter value cannot hold MIN_DIGITS digits
            digits = _digits(value)
            if len(digits) >= MIN_DIGITS and len(digits) >= len(_NON_WORD.sub("", value)) - 2:
                return Forbidden(digits, loc, what, by_digits=True)
        if len(value) < min_length:
            return None
        return Forbidden(_fold(value), loc, what, by_digits=False)

    def _published_as_is(self, record: dict) -> set[str]:
        """Words and values that visible people's and charges' kept fields put in the feed anyway."""
        visible = dict(record)
        visible["persons"] = [p for p in record.get("persons") or [] if isinstance(p, dict) and p.get("role") in self.roles]
        exempt = set()
        for value in _values_under(visible, self.exempting):
            if isinstance(value, str):
                text = _fold(value)
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
    def _source(visible: dict, loc: tuple):
        """The input value an output field was made from (outputs keep the visible order)."""
        value = visible
        for part in loc:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def check(self, record: dict, output: dict) -> list[str]:
        """Reasons the output must not be published; empty when it may be."""
        reasons = []
        leaves = self._leaves(output, self.root, (), [])
        for loc, place, _ in leaves:
            if not place.allowed:
                reasons.append(f"{_path(loc)}: field not allowed by the contract")
        for i, person in enumerate(output.get("persons") or []):
            if isinstance(person, dict) and "role" in person and person["role"] not in self.roles:
                reasons.append(f"persons[{i}]: role not visible under the contract")
        strings = [(loc, place, value) for loc, place, value in leaves if isinstance(value, str)]
        # Most records hold none of their forbidden values: a substring test on
        # the case- and space-folded output, and on its digits, finds the few
        # candidates; only those are checked against what the contract
        # publishes anyway and matched as whole words (or digit runs), field
        # by field. (Folded as one text, two values may run together: that
        # only adds a candidate which the field-by-field match drops.)
        folded = " ".join("\n".join(fold_case(value) for _, _, value in strings).split())
        all_runs = [_digits(r) for r in _DIGIT_RUN.findall(folded)]
        candidates = [f for f in self.forbidden(record)
                      if (any(f.value in run for run in all_runs) if f.by_digits else f.value in folded)]
        if not candidates:
            return reasons
        by_text: dict[str, list[Forbidden]] = {}
        digits = []
        for f in self._not_exempt(record, candidates):
            if f.by_digits:
                digits.append(f)
            else:
                by_text.setdefault(f.value, []).append(f)
        if not by_text and not digits:
            return reasons
        pattern = None
        if by_text:
            body = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in sorted(by_text, key=len, reverse=True))
            pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.I)
        visible = self._visible(record)
        for loc, place, value in strings:
            if pattern is not None:
                source = None if place.free_text else self._source(visible, loc)
                for m in pattern.finditer(value):
                    word = m.group()
                    if (isinstance(source, str) and not re.search(r"\s", word) and word != value.strip()
                            and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", source, re.I)):
                        continue
                    for f in by_text.get(_fold(word), []):
                        if not (f.text_ok and place.free_text):
                            reasons.append(f"{f.why} found in {_path(loc)}")
            if digits:
                runs = [_digits(r) for r in _DIGIT_RUN.findall(value)]
                for f in digits:
                    if any(f.value in run for run in runs):
                        reasons.append(f"{f.why} found in {_path(loc)} (by digits)")
        return sorted(set(reasons))


def _path_tree(paths: list[list[str]]) -> dict:
    """Contract paths as a tree: key -> (whether a path ends here, the subtree under it)."""
    tree: dict = {}
    for parts in paths:
        node = tree
        for i, part in enumerate(parts):
            ends, children = node.get(part, (False, {}))
            node[part] = (ends or i == len(parts) - 1, children)
            node = children
    return tree


def _values_under(node, tree: dict):
    """Every value at a path of `tree` (arrays crossed on the way, and at the end), in one walk."""
    for item in node if isinstance(node, list) else (node,):
        if not isinstance(item, dict):
            continue
        for key, (ends, children) in tree.items():
            value = item.get(key)
            if value is None:
                continue
            if ends:
                yield from (v for v in value if v is not None) if isinstance(value, list) else (value,)
            if children:
                yield from _values_under(value, children)
