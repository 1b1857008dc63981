"""One row of a city's export into one record of the input spec, as its source mapping says.

The record it makes is then read by `RecordParser` like any JSON Lines
record, so a mapped export meets every rule of the spec (types, enums,
dates) and nothing is trusted because it came through a mapping. A value
the mapping cannot read makes the whole row a dead letter; the reason
names the field and the column, never the value.
"""
import re
from datetime import date, datetime, time
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
        self.own_rows = {s: mapping.table_of(s) is None for s in ("persons", "charges")}
        kinds = {path: field.kind for path, field in catalog().items()}
        self.record = [(path.split("."), source, kinds[path]) for path, source in mapping.record.items()]
        self.persons = [[(path.split("."), source, kinds[f"persons.{path}"]) for path, source in entry.items()]
                        for entry in mapping.persons]
        self.charges = [[(path.split("."), source, kinds[f"charges.{path}"]) for path, source in entry.items()]
                        for entry in mapping.charges]

    def map(self, row: dict[str, str], persons=(), charges=()) -> dict:
        """The record of one row, with its persons' and charges' rows from their tables where the
        mapping has them; raises `Unreadable` naming the field and column."""
        record = self._fill(self.record, row, "")
        for section, entries, rows in (("persons", self.persons, persons), ("charges", self.charges, charges)):
            if not entries:
                continue
            if self.own_rows[section]:
                record[section] = [self._fill(fields, row, f"{section}[{i}].") for i, fields in enumerate(entries)]
            else:
                record[section] = [self._fill(entries[0], r, f"{section}[{i}].") for i, r in enumerate(rows or ())]
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
                        yield prefix + ".".join(parts), _typed(_read(source, one), kind), None
                    except Unreadable as exc:
                        yield prefix + ".".join(parts), None, str(exc)

    def _fill(self, fields, row: dict[str, str], prefix: str) -> dict:
        out: dict = {}
        for parts, source, kind in fields:
            try:
                value = _typed(_read(source, row), kind)
            except Unreadable as exc:
                where = f" (column {', '.join(source.columns)})" if source.columns else ""
                raise Unreadable(f"{prefix}{'.'.join(parts)}{where}: {exc}") from None
            node = out
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
        return out


def _read(source: Source, row: dict[str, str]):
    if "constant" in source.model_fields_set:
        return source.constant
    if source.template is not None:
        values = {c: (row.get(c) or "").strip() for c in source.columns}
        if not all(values.values()):
            return None
        value = TEMPLATE_COLUMN.sub(lambda m: values[m.group(1)], source.template)
    else:
        value = (row.get(source.column) or "").strip()
        if not value:
            return None
    if source.codes is not None:
        if value not in source.codes:
            raise Unreadable("a value not in its code table")
        return source.codes[value]
    if source.date_format:
        return _parsed(value, source.date_format).date().isoformat()
    if source.datetime_format:
        return _parsed(value, source.datetime_format).isoformat()
    return value


def _parsed(value: str, form: str) -> datetime:
    try:
        return datetime.strptime(value, form)
    except ValueError:
        raise Unreadable(f"not a date in the format {form}") from None


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
