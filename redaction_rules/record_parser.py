"""Bytes to a record the rest of the pipeline can trust, or why it cannot be one.

Python's json module is lenient where an export must not be. It keeps the
last of two equal keys, so a person written `"role": "victim", ...,
"role": "arrestee"` would be shaped, verified and published as an
arrestee. It accepts `NaN` and `Infinity`, which are not JSON, and reads
`1e400` as infinity; either would be written into the feed as something no
JSON reader accepts. It passes a lone surrogate (`"\\ud800"`) that nothing
downstream can encode. The schema types the spec's dates only as strings,
and an age rule that cannot read a date would release a minor, so dates are
checked here too.

Every refusal is a reason that names the place ("persons[1].dob: not a date
written YYYY-MM-DD"), never the value: the reasons go to logs and manifests.
"""
import json
import math
import re
from datetime import date, datetime

import fastjsonschema
import jsonschema_rs

from redaction_rules.fields import FIELD_KINDS

# A longer string cannot be a field of an arrest record; it would only cost a
# worker its memory (spaCy needs about a gigabyte per 100,000 characters).
MAX_STRING_CHARS = 100_000

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
                       r"(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?\Z")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_TYPE_NAMES = {"string": "a string", "null": "null", "array": "an array", "object": "an object",
               "integer": "an integer", "number": "a number", "boolean": "a boolean"}
DATE_PATHS = tuple(path for path, kind in FIELD_KINDS.items() if kind in ("dob", "datetime"))


class _Refused(ValueError):
    """Raised from inside json.loads' hooks: the reason is the whole message."""


def _property_names(schema, found=None) -> frozenset[str]:
    found = set() if found is None else found
    if isinstance(schema, dict):
        for name, sub in (schema.get("properties") or {}).items():
            found.add(name)
            _property_names(sub, found)
        for key in ("items", "$defs"):
            sub = schema.get(key)
            for part in (sub.values() if key == "$defs" and isinstance(sub, dict) else [sub]):
                _property_names(part, found)
    return frozenset(found)


def _valid_day(text: str, pattern: re.Pattern, parse) -> bool:
    if not pattern.match(text):
        return False
    try:
        parse(text)
    except ValueError:
        return False
    return True


def is_spec_date(text: str) -> bool:
    return _valid_day(text, _DATE, date.fromisoformat)


def is_spec_datetime(text: str) -> bool:
    return _valid_day(text, _DATETIME, datetime.fromisoformat)


def _at(node, parts: list[str], where: str):
    """(location, value) of every leaf at a dotted path, arrays implicit."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _at(item, parts, f"{where}[{i}]")
        return
    if not parts:
        yield where, node
        return
    if isinstance(node, dict) and parts[0] in node:
        yield from _at(node[parts[0]], parts[1:], f"{where}.{parts[0]}" if where else parts[0])


def _dates_valid(node, parts: list[str], at: int, check) -> bool:
    """Every date at a dotted path passes `check`: `_at` without the locations, which only a
    refusal needs, since every record passes through here."""
    while True:
        if isinstance(node, list):
            return all(_dates_valid(item, parts, at, check) for item in node)
        if at == len(parts):
            return node is None or check(node)
        if not isinstance(node, dict) or parts[at] not in node:
            return True
        node, at = node[parts[at]], at + 1


def _too_long(node, known: frozenset[str], where: str = "") -> str | None:
    """Where the first string over the limit is; a key outside the spec is not named."""
    if isinstance(node, str):
        return where if len(node) > MAX_STRING_CHARS else None
    if isinstance(node, dict):
        items = ((f"{where}.{k}" if k in known else f"{where}.(a field outside the spec)", v) for k, v in node.items())
    elif isinstance(node, list):
        items = ((f"{where}[{i}]", v) for i, v in enumerate(node))
    else:
        return None
    for place, value in items:
        found = _too_long(value, known, place)
        if found:
            return found
    return None


_DATE_CHECKS = tuple((path.split("."), is_spec_date, "YYYY-MM-DD") if FIELD_KINDS[path] == "dob" else
                     (path.split("."), is_spec_datetime, "YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z|+HH:MM]")
                     for path in DATE_PATHS)


class RecordParser:
    """One export line to a spec record; built once per worker (the schema is compiled)."""

    def __init__(self, schema: dict):
        # jsonschema-rs decides (in Rust, ten times faster on a record); fastjsonschema's compiled
        # check runs only on a refusal, for the place it fails at
        self.admits = jsonschema_rs.validator_for(schema).is_valid
        self.validate = fastjsonschema.compile(schema)
        self.known_keys = _property_names(schema)

    def parse(self, raw: bytes) -> tuple[dict | None, str | None]:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None, "not UTF-8"
        try:
            record = json.loads(text, object_pairs_hook=self._object,
                                parse_constant=self._constant, parse_float=self._float)
        except _Refused as refused:
            return None, str(refused)
        except json.JSONDecodeError as exc:
            hint = ("; the line holds a carriage return: lines must end in LF or CRLF, not CR alone" if "\r" in text
                    else "; the line holds NUL bytes: is the file UTF-16?" if "\x00" in text else "")
            return None, f"not JSON (column {exc.colno}){hint}"
        except RecursionError:
            return None, "not JSON (nested too deeply)"
        except ValueError:  # int() refuses numbers of more than 4,300 digits
            return None, "not JSON (a number too long to read)"
        if not isinstance(record, dict):
            return None, "not a JSON object"
        if _SURROGATE_ESCAPE.search(text) and not _encodable(record):
            return None, "a string holds a lone surrogate escape (not a character)"
        return self.check(record, may_hold_long_strings=len(text) > MAX_STRING_CHARS)

    def check(self, record: dict, may_hold_long_strings: bool = True) -> tuple[dict | None, str | None]:
        """The spec's rules on a record already read as JSON reads: its shape, its strings'
        length, its dates. A mapped row's record comes here without being written out as JSON
        first; its mapper let through only what JSON can hold (`json_value_problem`)."""
        if not self.admits(record):
            try:
                self.validate(record)
            except fastjsonschema.JsonSchemaValueException as error:
                return None, schema_reason(error, record)
            return None, "record: fails the spec"  # the two checks disagree: withheld, never guessed
        if may_hold_long_strings:
            found = _too_long(record, self.known_keys)
            if found:
                return None, f"{_render(found)}: longer than {MAX_STRING_CHARS:,} characters"
        for parts, check, written in _DATE_CHECKS:
            if not _dates_valid(record, parts, 0, check):
                where = next(w for w, value in _at(record, parts, "") if value is not None and not check(value))
                return None, f"{where}: not a date written {written}"
        return record, None

    def _object(self, pairs: list) -> dict:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen, again = set(), None
            for key, _ in pairs:
                if key in seen:
                    again = key
                    break
                seen.add(key)
            name = f'"{again}"' if again in self.known_keys else "(a key outside the spec)"
            raise _Refused(f"a key is given twice in one object: {name}")
        return obj

    @staticmethod
    def _constant(name: str):
        raise _Refused(f"not JSON ({name} is not a JSON number)")

    @staticmethod
    def _float(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise _Refused("not JSON (a number out of range)")
        return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_value_problem(value) -> str | None:
    """Why one value made outside JSON (a mapped cell, a mapping's constant) could not have come
    through `parse`, or None: what the parser refuses in a line, refused in a value too."""
    if isinstance(value, str):
        if len(value) > MAX_STRING_CHARS:
            return f"longer than {MAX_STRING_CHARS:,} characters"
        if _SURROGATE.search(value):
            return "a string holds a lone surrogate (not a character)"
    elif isinstance(value, float) and not math.isfinite(value):
        return "a number out of range"
    return None


def _encodable(record: dict) -> bool:
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _render(where: str) -> str:
    return where.lstrip(".") or "record"


def schema_reason(error: fastjsonschema.JsonSchemaValueException, record: dict) -> str:
    parts = error.path[1:]  # the first part is fastjsonschema's name for the root
    path = "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts).lstrip(".") or "record"
    if error.rule == "type":
        expected = error.rule_definition if isinstance(error.rule_definition, list) else [error.rule_definition]
        return f"{path}: not {' or '.join(_TYPE_NAMES.get(t, t) for t in expected)}"
    if error.rule == "required":
        instance = record
        for p in parts:
            instance = instance[int(p)] if isinstance(instance, list) else instance[p]
        missing = [name for name in error.rule_definition if name not in instance]
        return f"{path}: missing {', '.join(missing) or 'a required field'}"
    if error.rule == "enum":
        return f"{path}: not one of the allowed values"
    if error.rule == "minLength":
        return f"{path}: empty"
    return f"{path}: fails the spec ({error.rule})"
