"""What a source mapping makes of an export, field by field, before any feed is made from it.

For each mapped field: how many of its values were filled, how many were
empty, and how many could not be read and why (the reasons name formats and
tables, never a value); then the columns the export has that the mapping
leaves unread, and the shape of one mapped record (field names and types,
no values). A required field (`record_id`, each person's `role`) that any
row leaves empty or unreadable fails the check: such a record could only
be dead-lettered.
"""
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from redaction_rules.record_parser import RecordParser
from redaction_rules.row_mapper import RowMapper, Unreadable
from redaction_rules.source_mapping import SourceMapping

REQUIRED = ("record_id", "persons.role")


@dataclass
class FieldTally:
    filled: int = 0
    empty: int = 0
    unreadable: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.filled + self.empty + sum(self.unreadable.values())


def shape(value):
    """A record's structure with the type of each value in place of the value."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return {str: "string", bool: "boolean", int: "integer", float: "number"}.get(type(value), "null")


class SourceCheck:
    def __init__(self, mapping: SourceMapping, schema: dict):
        self.mapper = RowMapper(mapping)
        self.parser = RecordParser(schema)
        self.rows = 0
        self.rejected = Counter()   # why the parser refuses a mapped record, by kind
        self.fields: dict[str, FieldTally] = defaultdict(FieldTally)
        self.sample = None
        for _, path, _ in mapping.sources():
            self.fields[path]  # every mapped field is reported, read or not

    def add(self, row: dict, persons=(), charges=()) -> None:
        self.rows += 1
        for path, value, problem in self.mapper.fields(row, persons, charges):
            tally = self.fields[path]
            if problem is not None:
                tally.unreadable[problem] += 1
            elif value is None:
                tally.empty += 1
            else:
                tally.filled += 1
        try:
            record = self.mapper.map(row, persons, charges)
        except Unreadable:
            return
        parsed, reason = self.parser.parse(json.dumps(record).encode("utf-8"))
        if parsed is None:
            self.rejected[reason] += 1
        elif self.sample is None:
            self.sample = shape(parsed)

    def add_problem(self, problem: str) -> None:
        self.rows += 1
        self.rejected[problem] += 1

    @property
    def failed_required(self) -> list[str]:
        return [p for p in REQUIRED if p in self.fields and (self.fields[p].empty or self.fields[p].unreadable)]
