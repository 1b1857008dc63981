"""Stage 1b-2 for a mapped export: rows into the spec's records, checked as the parser checks a line.

A mapped record meets the same rules as a JSON Lines record
(`RecordParser.check`: the spec's shape, its enums, its dates), so a
mapping cannot smuggle in what the spec refuses; it is checked as the
mapper made it, not written out as JSON and read back, since the mapper
refuses the values JSON could not carry where it makes them. A row the
mapping cannot read, or whose record the spec refuses, is a dead letter
naming the field (and the column), never the value.
"""
import json

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from pipelines.elements import DEAD_LETTER, DeadLetter, Parsed, Row
from redaction_rules.record_parser import RecordParser
from redaction_rules.row_mapper import RowMapper, Unreadable
from redaction_rules.source_mapping import SourceMapping


class MapRowDoFn(beam.DoFn):
    def __init__(self, mapping: SourceMapping, schema: dict, places: list[str]):
        self.mapping = mapping
        self.schema = schema
        self.places = places
        self.dead = Metrics.counter("feedshield", "dead_lettered")

    def setup(self):
        self.mapper = RowMapper(self.mapping)
        self.parser = RecordParser(self.schema)

    def process(self, row: Row):
        problem = row.problem
        if problem is None:
            try:
                record, problem = self.parser.check(self.mapper.map(row.columns, row.persons, row.charges),
                                                    may_hold_long_strings=False)
                if record is not None:
                    yield Parsed(row.src, record)
                    return
            except Unreadable as exc:
                problem = str(exc)
        self.dead.inc()
        yield pvalue.TaggedOutput(DEAD_LETTER, DeadLetter.at(
            row.src, self.places, problem, json.dumps(row.columns, ensure_ascii=False) if row.columns is not None else ""))


class MapRows(beam.PTransform):
    """Outputs: main (`records`, as `ParseRecords` gives them) and `dead_letter`."""

    def __init__(self, mapping: SourceMapping, schema: dict, places: list[str]):
        super().__init__()
        self.mapping = mapping
        self.schema = schema
        self.places = places

    def expand(self, rows):
        return rows | "MapToSpec" >> (beam.ParDo(MapRowDoFn(self.mapping, self.schema, self.places))
                                      .with_input_types(Row).with_output_types(Parsed)
                                      .with_outputs(DEAD_LETTER, main="records"))
