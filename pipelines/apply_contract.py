"""Stage 5: people by role, fields by allowlist and operator, categories stripped."""
import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from pipelines.quarantine import QUARANTINE, quarantined
from redaction_rules.contract import Contract
from redaction_rules.shaping import RecordShaper


class _Shape(beam.DoFn):
    def __init__(self, contract: Contract, key: bytes | None):
        self.contract = contract
        self.key = key

    def setup(self):
        self.shaper = RecordShaper(self.contract, self.key)
        self.failed = Metrics.counter("feedshield", "quarantined_shaping")

    def process(self, element):
        try:
            output, texts = self.shaper.shape(element["record"])
        except Exception as exc:  # withheld, never passed through: the reason names the error type only
            self.failed.inc()
            yield pvalue.TaggedOutput(QUARANTINE, quarantined(element, "apply_contract", [f"shaping failed: {type(exc).__name__}"]))
            return
        yield {**element, "output": output, "texts": texts}


class ApplyContract(beam.PTransform):
    """Outputs: main (shaped records, free text still raw) and `quarantine`."""

    def __init__(self, contract: Contract, key: bytes | None):
        super().__init__()
        self.contract = contract
        self.key = key

    def expand(self, records):
        return records | "ShapeByContract" >> beam.ParDo(_Shape(self.contract, self.key)).with_outputs(QUARANTINE, main="records")
