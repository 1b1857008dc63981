"""Stage 2: bytes to records, and what cannot be a record to the dead letters.

A line that is not UTF-8, not JSON, not an object, or not in the shape of
the spec never goes further. Its reason says where and what kind of
problem ("persons[2].phone: not a string or null"), never the value: the
validator's own messages may quote the value, so they are not used.

The schema is compiled to Python by fastjsonschema, about ten times faster
than interpreting it with jsonschema (which the tests keep as the
reference validator).
"""
import json

import apache_beam as beam
import fastjsonschema
from apache_beam import pvalue
from apache_beam.metrics import Metrics

DEAD = "dead_letter"
_TYPE_NAMES = {"string": "a string", "null": "null", "array": "an array", "object": "an object",
               "integer": "an integer", "number": "a number", "boolean": "a boolean"}


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


def parse_line(raw: bytes, validate) -> tuple[dict | None, str | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not UTF-8"
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"not JSON (column {exc.colno})"
    except RecursionError:
        return None, "not JSON (nested too deeply)"
    if not isinstance(record, dict):
        return None, "not a JSON object"
    try:
        validate(record)
    except fastjsonschema.JsonSchemaValueException as error:
        return None, schema_reason(error, record)
    return record, None


def compile_schema(schema: dict):
    return fastjsonschema.compile(schema)


class _Parse(beam.DoFn):
    def __init__(self, schema: dict, file_names: list[str]):
        self.schema = schema
        self.file_names = file_names
        self.dead = Metrics.counter("feedshield", "dead_lettered")

    def setup(self):
        self.validate = compile_schema(self.schema)

    def process(self, element):
        record, reason = parse_line(element["raw"], self.validate)
        if record is None:
            self.dead.inc()
            index, line = element["src"]
            yield pvalue.TaggedOutput(DEAD, {
                "src": element["src"],
                "reason": f"line {line} of file {self.file_names[index]}: {reason}",
                "line": element["raw"].decode("utf-8", errors="replace"),
            })
            return
        yield {"src": element["src"], "record": record}


class ParseRecords(beam.PTransform):
    """Outputs: main (records) and `dead_letter`."""

    def __init__(self, schema: dict, file_names: list[str]):
        super().__init__()
        self.schema = schema
        self.file_names = file_names

    def expand(self, lines):
        return lines | "ParseAndValidate" >> beam.ParDo(_Parse(self.schema, self.file_names)).with_outputs(DEAD, main="records")
