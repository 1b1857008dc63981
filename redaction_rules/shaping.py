"""A record as the recipient may see it: people by role, fields by allowlist.

The output is built up from the allowlist, never cut down from the input,
so a field that appears in the input later (schema drift) cannot leave
until a contract names it. Free-text fields are copied as they are and
listed, for the text-redaction stage to rewrite before anything is written.
"""
from redaction_rules import operators as op
from redaction_rules.contract import Contract, Generalize, Keep, Mask, Pseudonymize, RedactText, Replace

_SCALARS = (str, int, float, bool)


def path_parts(path: str) -> list[str]:
    return path.split(".")


class RecordShaper:
    def __init__(self, contract: Contract, key: bytes | None):
        self.contract = contract
        self.key = key
        self.rules = [(path_parts(p), r) for p, r in contract.fields.items()]
        self.roles = set(contract.roles)

    def visible(self, record: dict) -> dict:
        """The record with removed people, and charges that belong to them, taken out."""
        persons = [p for p in record.get("persons") or [] if isinstance(p, dict) and p.get("role") in self.roles]
        kept_ids = {p.get("person_id") for p in persons}
        charges = record.get("charges")
        if isinstance(charges, list):
            charges = [c for c in charges if isinstance(c, dict) and (c.get("person_id") is None or c.get("person_id") in kept_ids)]
        return {**record, "persons": persons, "charges": charges}

    def _apply(self, rule, value, record: dict):
        if isinstance(value, list):  # arrays of scalars, e.g. aliases
            return [self._apply(rule, v, record) for v in value if isinstance(v, _SCALARS)]
        if value is None or not isinstance(value, _SCALARS):
            return None
        if isinstance(rule, (Keep, RedactText)):
            return value
        if isinstance(rule, Pseudonymize):
            return op.pseudonymize(value, self.key)
        if isinstance(rule, Mask):
            return op.mask(value, rule.keep_last)
        if isinstance(rule, Replace):
            return rule.value
        if isinstance(rule, Generalize):
            if rule.to == "zip3":
                return op.zip3(value)
            if rule.to == "hundred_block":
                return op.hundred_block(value)
            if rule.to in ("age", "age_band"):
                return op.generalize_dob(value, rule.to, record.get("arrest_datetime"))
            return op.generalize_date(value, rule.to)
        raise TypeError(f"no operator for {type(rule).__name__}")

    def _copy(self, src, dst: dict, parts: list[str], rule, record: dict, loc: tuple, texts: list):
        key = parts[0]
        if not isinstance(src, dict) or key not in src:
            return
        value = src[key]
        if len(parts) == 1:
            dst[key] = self._apply(rule, value, record)
            if isinstance(rule, RedactText) and isinstance(dst[key], str):
                texts.append(loc + (key,))
            return
        if isinstance(value, dict):
            self._copy(value, dst.setdefault(key, {}), parts[1:], rule, record, loc + (key,), texts)
        elif isinstance(value, list):
            items = dst.setdefault(key, [{} for _ in value])
            for i, item in enumerate(value):
                self._copy(item, items[i], parts[1:], rule, record, loc + (key, i), texts)
        elif value is None:
            dst.setdefault(key, None)

    def shape(self, record: dict) -> tuple[dict, list[tuple]]:
        """(output record, locations of its free-text values still to redact)."""
        visible = self.visible(record)
        out, texts = {}, []
        for parts, rule in self.rules:
            self._copy(visible, out, parts, rule, record, (), texts)
        return out, texts


def get_at(obj, loc: tuple):
    for part in loc:
        obj = obj[part]
    return obj


def replaced_at(obj, loc: tuple, value):
    """A copy of `obj` with `value` at `loc`, sharing everything off that path:
    elements are not changed in place (Beam may hand one to several consumers)."""
    if not loc:
        return value
    copy = list(obj) if isinstance(obj, list) else dict(obj)
    copy[loc[0]] = replaced_at(obj[loc[0]], loc[1:], value)
    return copy
