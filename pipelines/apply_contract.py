"""Stage 5: people by role, fields by allowlist and operator, categories stripped."""
import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from pipelines.elements import QUARANTINE, Parsed, Quarantined, Shaped
from redaction_rules.contract import Contract
from redaction_rules.secret_key import KeyReference
from redaction_rules.shaping import RecordShaper


class ShapeDoFn(beam.DoFn):
    """Carries the key's reference, never the key: the worker reads the key in `setup`."""

    def __init__(self, contract: Contract, key: KeyReference | None):
        self.contract = contract
        self.key = key

    def setup(self):
        self.shaper = RecordShaper(self.contract, self.key.load() if self.key else None)
        self.failed = Metrics.counter("feedshield", "quarantined_shaping")

    def process(self, element: Parsed):
        try:
            output, texts = self.shaper.shape(element.record)
        except Exception as exc:  # withheld, never passed through: the reason names the error type only
            self.failed.inc()
            yield pvalue.TaggedOutput(QUARANTINE, Quarantined.of(
                element, "apply_contract", [f"shaping failed: {type(exc).__name__}"]))
            return
        yield Shaped(element.src, element.record, output, tuple(texts))


class ApplyContract(beam.PTransform):
    """Outputs: main (shaped records, free text still raw) and `quarantine`."""

    def __init__(self, contract: Contract, key: KeyReference | None):
        super().__init__()
        self.contract = contract
        self.key = key

    def expand(self, records):
        return records | "ShapeByContract" >> (beam.ParDo(ShapeDoFn(self.contract, self.key))
                                               .with_input_types(Parsed).with_output_types(Shaped)
                                               .with_outputs(QUARANTINE, main="records"))
