"""Stage 1b: rows of a mapped export into the spec's records, as JSON lines for the parser.

The mapped record goes on as the bytes of one JSON line, so the parse stage
reads it exactly as it reads a JSON Lines export: every rule of the spec
applies, and a mapping cannot smuggle in what the spec refuses. A row the
mapping cannot read is a dead letter naming the field and the column.
"""
import json

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from pipelines.elements import DEAD_LETTER, DeadLetter, Line, Row
from redaction_rules.row_mapper import RowMapper, Unreadable
from redaction_rules.source_mapping import SourceMapping


class MapRowDoFn(beam.DoFn):
    def __init__(self, mapping: SourceMapping, places: list[str]):
        self.mapping = mapping
        self.places = places
        self.dead = Metrics.counter("feedshield", "dead_lettered")

    def setup(self):
        self.mapper = RowMapper(self.mapping)

    def process(self, row: Row):
        problem = row.problem
        if problem is None:
            try:
                record = self.mapper.map(row.columns, row.persons, row.charges)
                yield Line(row.src, json.dumps(record, ensure_ascii=False).encode("utf-8"))
                return
            except Unreadable as exc:
                problem = str(exc)
        self.dead.inc()
        yield pvalue.TaggedOutput(DEAD_LETTER, DeadLetter.at(
            row.src, self.places, problem, json.dumps(row.columns, ensure_ascii=False) if row.columns is not None else ""))


class MapRows(beam.PTransform):
    """Outputs: main (one JSON line a row) and `dead_letter`."""

    def __init__(self, mapping: SourceMapping, places: list[str]):
        super().__init__()
        self.mapping = mapping
        self.places = places

    def expand(self, rows):
        return rows | "MapToSpec" >> (beam.ParDo(MapRowDoFn(self.mapping, self.places))
                                      .with_input_types(Row).with_output_types(Line)
                                      .with_outputs(DEAD_LETTER, main="lines"))
