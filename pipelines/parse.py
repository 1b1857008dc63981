"""Stage 2: bytes to records, and what cannot be a record to the dead letters.

The rules are `RecordParser`'s (strict JSON, the spec's shape, its dates);
this step builds the parser once per worker and routes what it refuses,
with a reason that says where in which file, never the value.
"""
import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from pipelines.elements import DEAD_LETTER, DeadLetter, Line, Parsed
from redaction_rules.record_parser import RecordParser


class ParseDoFn(beam.DoFn):
    def __init__(self, schema: dict, places: list[str]):
        self.schema = schema
        self.places = places
        self.dead = Metrics.counter("feedshield", "dead_lettered")

    def setup(self):
        self.parser = RecordParser(self.schema)

    def process(self, element: Line):
        record, reason = self.parser.parse(element.raw)
        if record is None:
            self.dead.inc()
            yield pvalue.TaggedOutput(DEAD_LETTER, DeadLetter.at(
                element.src, self.places, reason, element.raw.decode("utf-8", errors="replace")))
            return
        yield Parsed(element.src, record)


class ParseRecords(beam.PTransform):
    """Outputs: main (records) and `dead_letter`. `places` says where a position is, per input
    ("line {} of file x.jsonl"), for the dead letters' reasons."""

    def __init__(self, schema: dict, places: list[str]):
        super().__init__()
        self.schema = schema
        self.places = places

    def expand(self, lines):
        return lines | "ParseAndValidate" >> (beam.ParDo(ParseDoFn(self.schema, self.places))
                                              .with_input_types(Line).with_output_types(Parsed)
                                              .with_outputs(DEAD_LETTER, main="records"))
