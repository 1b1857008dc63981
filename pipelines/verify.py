"""Stage 7: the verification gate, between redaction and the feed."""
import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from pipelines.elements import QUARANTINE, Quarantined, Redacted
from redaction_rules.contract import Contract
from redaction_rules.verification import VerificationGate


class GateDoFn(beam.DoFn):
    def __init__(self, contract: Contract):
        self.contract = contract

    def setup(self):
        self.gate = VerificationGate(self.contract)
        self.published = Metrics.counter("feedshield", "published")
        self.quarantined = Metrics.counter("feedshield", "quarantined_verification")

    def process(self, element: Redacted):
        try:
            reasons = self.gate.check(element.record, element.output)
        except Exception as exc:
            reasons = [f"verification failed: {type(exc).__name__}"]
        if reasons:
            self.quarantined.inc()
            yield pvalue.TaggedOutput(QUARANTINE, Quarantined.of(element, "verify", reasons, element.output))
        else:
            self.published.inc()
            yield element


class VerifyRecords(beam.PTransform):
    """Outputs: main (records that may be published) and `quarantine`."""

    def __init__(self, contract: Contract):
        super().__init__()
        self.contract = contract

    def expand(self, records):
        return records | "CheckForLeaks" >> (beam.ParDo(GateDoFn(self.contract))
                                             .with_input_types(Redacted).with_output_types(Redacted)
                                             .with_outputs(QUARANTINE, main="records"))
