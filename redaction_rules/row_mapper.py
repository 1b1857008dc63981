"""One row of a city's export into one record of the input spec, as its source mapping says.

The record it makes is then read by `RecordParser` like any JSON Lines
record, so a mapped export meets every rule of the spec (types, enums,
dates) and nothing is trusted because it came through a mapping. A value
the mapping cannot read makes the whole row a dead letter; the reason
names the field and the column, never the value.
"""
import re
from datetime import date, datetime, time
from functools import lru_cache
from decimal import Decimal

from redaction_rules.fields import catalog
from redaction_rules.source_mapping import TEMPLATE_COLUMN, Source, SourceMapping

_INTEGER = re.compile(r"[+-]?\d{1,18}\Z")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?\Z")
_BOOLEANS = {"true": True, "false": False}


def cell_text(value) -> str:
    """A database's or a Parquet file's typed value as a CSV would give it: the mapping reads text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class Unreadable(ValueError):
    """A value the mapping cannot turn into the spec's: the message says why, never what."""


class RowMapper:
    def __init__(self, mapping: SourceMapping):
        # a section's entries map the record's own row, unless its rows come from a table or a group
        self.grouped = mapping.group_by is not None
        self.own_rows = {s: mapping.table_of(s) is None and not self.grouped for s in ("persons", "charges")}
        kinds = {path: field.kind for path, field in catalog().items()}
        self.record = [(path.split("."), _Reader(source), kinds[path]) for path, source in mapping.record.items()]
        self.persons = [[(path.split("."), _Reader(source), kinds[f"persons.{path}"]) for path, source in entry.items()]
                        for entry in mapping.persons]
        self.charges = [[(path.split("."), _Reader(source), kinds[f"charges.{path}"]) for path, source in entry.items()]
                        for entry in mapping.charges]

    def map(self, row: dict[str, str], persons=(), charges=()) -> dict:
        """The record of one row, with its persons' and charges' rows from their tables where the
        mapping has them; raises `Unreadable` naming the field and column."""
        record = self._fill(self.record, row, "")
        if self.grouped and any(self._fill(self.record, other, "") != record for other in persons):
            raise Unreadable("the rows of one record (by group_by) disagree on a record field")
        for section, entries, rows in (("persons", self.persons, persons), ("charges", self.charges, charges)):
            if not entries:
                continue
            if self.own_rows[section]:
                record[section] = [self._fill(fields, row, f"{section}[{i}].") for i, fields in enumerate(entries)]
            else:
                made = [self._fill(entries[0], r, f"{section}[{i}].") for i, r in enumerate(rows or ())]
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
                for parts, source, kind in fields:
                    try:
                        yield prefix + ".".join(parts), _typed(source.read(one), kind), None
                    except Unreadable as exc:
                        yield prefix + ".".join(parts), None, str(exc)

    def _fill(self, fields, row: dict[str, str], prefix: str) -> dict:
        out: dict = {}
        for parts, source, kind in fields:
            try:
                value = _typed(source.read(row), kind)
            except Unreadable as exc:
                where = f" (column {', '.join(source.columns)})" if source.columns else ""
                raise Unreadable(f"{prefix}{'.'.join(parts)}{where}: {exc}") from None
            node = out
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
        return out


class _Reader:
    """One field's source as plain attributes, read once per row (pydantic's are slower to reach)."""
    __slots__ = ("constant", "value", "column", "template", "columns", "codes", "date_format", "datetime_format")

    def __init__(self, source: Source):
        self.constant = "constant" in source.model_fields_set
        self.value = source.constant
        self.column, self.template, self.columns = source.column, source.template, source.columns
        self.codes = source.codes
        self.date_format, self.datetime_format = source.date_format, source.datetime_format

    def read(self, row: dict[str, str]):
        if self.constant:
            return self.value
        if self.template is not None:
            values = {c: (row.get(c) or "").strip() for c in self.columns}
            if not all(values.values()):
                return None
            value = TEMPLATE_COLUMN.sub(lambda m: values[m.group(1)], self.template)
        else:
            value = (row.get(self.column) or "").strip()
            if not value:
                return None
        if self.codes is not None:
            if value not in self.codes:
                raise Unreadable("a value not in its code table")
            return self.codes[value]
        if self.date_format:
            return _parsed(value, self.date_format).date().isoformat()
        if self.datetime_format:
            return _parsed(value, self.datetime_format).isoformat()
        return value


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
        return float(value)
    if kind == "boolean":
        if value.lower() not in _BOOLEANS:
            raise Unreadable("not true or false (give a code table)")
        return _BOOLEANS[value.lower()]
    return value
