"""Stage 4: records no agreement may release, and those this one excludes."""
import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from pipelines.elements import EXCLUDED, Excluded, Parsed
from redaction_rules.contract import Contract
from redaction_rules.exclusions import exclusion_rule


class ExcludeDoFn(beam.DoFn):
    def __init__(self, contract: Contract):
        self.contract = contract

    def process(self, element: Parsed):
        rule = exclusion_rule(element.record, self.contract)
        if rule is None:
            yield element
        else:
            Metrics.counter("feedshield", f"excluded_{rule}").inc()
            yield pvalue.TaggedOutput(EXCLUDED, Excluded(element.src, element.record.get("record_id"), rule))


class ExcludeRecords(beam.PTransform):
    """Outputs: main (records that go on) and `excluded` (each excluded record's position, id and rule)."""

    def __init__(self, contract: Contract):
        super().__init__()
        self.contract = contract

    def expand(self, records):
        return records | "ApplyExclusions" >> (beam.ParDo(ExcludeDoFn(self.contract))
                                              .with_input_types(Parsed).with_output_types(Parsed)
                                              .with_outputs(EXCLUDED, main="records"))
