"""One row of a city's export into one record of the input spec, as its source mapping says.

The record it makes is then checked by `RecordParser` like any JSON Lines
record, so a mapped export meets every rule of the spec (types, enums,
dates) and nothing is trusted because it came through a mapping; a value
JSON could not have carried (an infinite number, a lone surrogate, a
string over the parser's limit) is refused here, where it is made. A value
the mapping cannot read makes the whole row a dead letter; the reason
names the field and the column, never the value.
"""
import math
import re
from datetime import date, datetime, time
from functools import lru_cache
from decimal import Decimal

from redaction_rules.fields import catalog
from redaction_rules.record_parser import MAX_STRING_CHARS, json_value_problem
from redaction_rules.source_mapping import TEMPLATE_COLUMN, Source, SourceMapping

_INTEGER = re.compile(r"[+-]?\d{1,18}\Z")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?\Z")
_BOOLEANS = {"true": True, "false": False}


def cell_text(value) -> str:
    """A database's or a Parquet file's typed value as a CSV would give it: the mapping reads text.
    Called for every cell of an export, so text, the common case, is answered first."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def row_text(row) -> list[str]:
    """Every cell of a row as `cell_text` gives it; text and nulls, most cells, without a call."""
    return [value if type(value) is str else "" if value is None else cell_text(value) for value in row]


class Unreadable(ValueError):
    """A value the mapping cannot turn into the spec's: the message says why, never what."""


class RowMapper:
    def __init__(self, mapping: SourceMapping):
        # a section's entries map the record's own row, unless its rows come from a table or a group
        self.grouped = mapping.group_by is not None
        self.own_rows = {s: mapping.table_of(s) is None and not self.grouped for s in ("persons", "charges")}
        kinds = {path: field.kind for path, field in catalog().items()}
        self.record = _Fields(mapping.record, kinds, "")
        self.persons = [_Fields(entry, kinds, "persons.") for entry in mapping.persons]
        self.charges = [_Fields(entry, kinds, "charges.") for entry in mapping.charges]

    def map(self, row: dict[str, str], persons=(), charges=()) -> dict:
        """The record of one row, with its persons' and charges' rows from their tables where the
        mapping has them; raises `Unreadable` naming the field and column."""
        record = self.record.fill(row, "")
        if self.grouped and any(self.record.fill(other, "") != record for other in persons):
            raise Unreadable("the rows of one record (by group_by) disagree on a record field")
        for section, entries, rows in (("persons", self.persons, persons), ("charges", self.charges, charges)):
            if not entries:
                continue
            if self.own_rows[section]:
                record[section] = [fields.fill(row, f"{section}[{i}].") for i, fields in enumerate(entries)]
            else:
                made = [entries[0].fill(r, f"{section}[{i}].") for i, r in enumerate(rows or ())]
                # in a group, a person repeats on each of their charges' rows: the same one is one
                record[section] = _distinct(made) if self.grouped else made
        return record

    def fields(self, row: dict[str, str], persons=(), charges=()):
        """(spec path, value or None, why it cannot be read or None) of every mapped field of one
        row, none of them raising: what `feedshield source check` counts."""
        groups = [("", self.record, [row])]
        for section, entries, rows in (("persons", self.persons, persons), ("charges", self.charges, charges)):
            if self.own_rows[section]:
                groups += [(f"{section}.", fields, [row]) for fields in entries]
            elif entries:
                groups.append((f"{section}.", entries[0], list(rows or ())))
        for prefix, fields, rows in groups:
            for one in rows:
                for path, _, _, read, _ in fields.entries:
                    try:
                        yield prefix + path, read(one), None
                    except Unreadable as exc:
                        yield prefix + path, None, str(exc)


class _Fields:
    """The fields one mapping entry fills (the record's, or one person's or charge's), each read
    by a function chosen once, since every row reaches every field."""

    def __init__(self, sources: dict[str, Source], kinds: dict[str, str], section: str):
        self.entries = []
        for path, source in sources.items():
            *parents, leaf = path.split(".")
            where = f" (column {', '.join(source.columns)})" if source.columns else ""
            self.entries.append((path, tuple(parents), leaf, _reader(source, kinds[section + path]), where))

    def fill(self, row: dict[str, str], prefix: str) -> dict:
        out: dict = {}
        for path, parents, leaf, read, where in self.entries:
            try:
                value = read(row)
            except Unreadable as exc:
                raise Unreadable(f"{prefix}{path}{where}: {exc}") from None
            node = out
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        return out


def _reader(source: Source, kind: str):
    """How one field's value is read from a row: its text (a column, a template), then its code
    table or date format, then the spec's type; a value JSON could not carry is refused."""
    if "constant" in source.model_fields_set:
        return _fixed(source.constant, kind)
    text = _template(source.template, source.columns) if source.template is not None else _column(source.column)
    if source.codes is not None:
        codes = {code: _fixed(value, kind) for code, value in source.codes.items()}

        def coded(row):
            value = text(row)
            if value is None:
                return None
            if value not in codes:
                raise Unreadable("a value not in its code table")
            return codes[value](row)
        return coded
    form = source.date_format or source.datetime_format
    if form:
        day = source.date_format is not None

        def dated(row):
            value = text(row)
            if value is None:
                return None
            when = _parsed(value, form)
            return when.date().isoformat() if day else when.isoformat()
        return dated
    convert = _CONVERT.get(kind)

    def typed(row):
        value = text(row)
        if value is None:
            return None
        if convert is not None:
            return convert(value)
        if len(value) > MAX_STRING_CHARS or not value.isascii() and json_value_problem(value):
            raise Unreadable(json_value_problem(value))
        return value
    return typed


def _fixed(value, kind: str):
    """A constant's (or a code's) reader: typed and checked once, as a cell would be each time."""
    try:
        value = _typed(value, kind)
        problem = None if value is None else json_value_problem(value)
    except Unreadable as exc:
        problem = str(exc)

    def fixed(_row):
        if problem:
            raise Unreadable(problem)
        return value
    return fixed


def _column(name: str):
    def column(row):
        value = row.get(name)
        return (value.strip() or None) if value else None
    return column


def _template(template: str, columns: list[str]):
    def filled(row):
        values = {c: (row.get(c) or "").strip() for c in columns}
        if not all(values.values()):
            return None
        return TEMPLATE_COLUMN.sub(lambda m: values[m.group(1)], template)
    return filled


@lru_cache(maxsize=4096)
def _parsed(value: str, form: str) -> datetime:
    """Exports repeat their dates: each distinct one is parsed once."""
    try:
        return datetime.strptime(value, form)
    except ValueError:
        raise Unreadable(f"not a date in the format {form}") from None


def _distinct(items: list[dict]) -> list[dict]:
    seen, out = [], []
    for item in items:
        if item not in seen:
            seen.append(item)
            out.append(item)
    return out


def _typed(value, kind: str):
    """A string from a column as the spec's type of the field."""
    if value is None or not isinstance(value, str):
        return value
    if kind == "integer":
        if not _INTEGER.match(value):
            raise Unreadable("not a whole number")
        return int(value)
    if kind == "number":
        if not _NUMBER.match(value):
            raise Unreadable("not a number")
        number = float(value)
        if not math.isfinite(number):
            raise Unreadable("a number out of range")
        return number
    if kind == "boolean":
        if value.lower() not in _BOOLEANS:
            raise Unreadable("not true or false (give a code table)")
        return _BOOLEANS[value.lower()]
    return value


_CONVERT = {kind: (lambda value, kind=kind: _typed(value, kind)) for kind in ("integer", "number", "boolean")}
