"""Stage 2: bytes to records, and what cannot be a record to the dead letters.

A line that is not UTF-8, not JSON, not an object, or not in the shape of
the spec never goes further. Its reason says where and what kind of
problem ("persons[2].phone: not a string or null"), never the value:
jsonschema's own messages quote the value, so they are not used.
"""
import json
import re

import apache_beam as beam
import jsonschema
from apache_beam import pvalue
from apache_beam.metrics import Metrics

DEAD = "dead_letter"
_TYPE_NAMES = {"string": "a string", "null": "null", "array": "an array", "object": "an object",
               "integer": "an integer", "number": "a number", "boolean": "a boolean"}


def schema_reason(error: jsonschema.ValidationError) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".") or "record"
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"{path}: not {' or '.join(_TYPE_NAMES.get(t, t) for t in expected)}"
    if error.validator == "required":
        missing = re.match(r"'([^']*)'", error.message)
        return f"{path}: missing {missing.group(1) if missing else 'a required field'}"
    if error.validator == "enum":
        return f"{path}: not one of the allowed values"
    if error.validator == "minLength":
        return f"{path}: empty"
    return f"{path}: fails the spec ({error.validator})"


def parse_line(raw: bytes, validator) -> tuple[dict | None, str | None]:
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
    error = jsonschema.exceptions.best_match(validator.iter_errors(record))
    if error is not None:
        return None, schema_reason(error)
    return record, None


class _Parse(beam.DoFn):
    def __init__(self, schema: dict, file_names: list[str]):
        self.schema = schema
        self.file_names = file_names
        self.dead = Metrics.counter("feedshield", "dead_lettered")

    def setup(self):
        self.validator = jsonschema.Draft202012Validator(self.schema)

    def process(self, element):
        record, reason = parse_line(element["raw"], self.validator)
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
