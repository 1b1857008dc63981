"""Stage 6: every free-text value through Presidio and the record's own context.

The `RecordRedactor` (spaCy model and recognizers) is built once per worker
in `setup`, never per element and never pickled. Elements arrive in batches
so that spaCy runs `nlp.pipe` over many texts at once; a batch that fails is
retried one record at a time so that one bad record cannot take its
neighbours down, and a record whose text cannot be redacted is quarantined.
"""
import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from pipelines.elements import QUARANTINE, Quarantined, Redacted, Shaped
from redaction_rules.contract import Contract
from redaction_rules.engine import EngineConfig, check_model
from redaction_rules.record_redactor import RecordRedactor


class RedactDoFn(beam.DoFn):
    def __init__(self, contract: Contract, engine_config: EngineConfig):
        self.contract = contract
        self.engine_config = engine_config

    def setup(self):
        check_model(self.engine_config)  # this worker's own machine, as the driver checked its own
        self.redactor = RecordRedactor(self.contract, self.engine_config)
        self.failed = Metrics.counter("feedshield", "quarantined_redaction")
        self.texts = Metrics.counter("feedshield", "texts_redacted")

    def _redact(self, batch: list[Shaped]) -> list[Redacted]:
        redacted = self.redactor.redact([(e.record, e.output, e.texts) for e in batch])
        self.texts.inc(sum(len(e.texts) for e in batch))
        return [Redacted(e.src, e.record, r.output, r.entities) for e, r in zip(batch, redacted)]

    def process(self, batch: list[Shaped]):
        try:
            # nothing leaves before the whole batch is redacted, so a failure can retry it record by record
            yield from self._redact(batch)
            return
        except Exception:
            pass
        for element in batch:  # isolate the failure
            try:
                yield from self._redact([element])
            except Exception as exc:
                self.failed.inc()
                yield pvalue.TaggedOutput(QUARANTINE, Quarantined.of(
                    element, "redact_free_text", [f"text redaction failed: {type(exc).__name__}"]))


class RedactFreeText(beam.PTransform):
    """Outputs: main (records with every free-text value redacted) and `quarantine`."""

    def __init__(self, contract: Contract, engine_config: EngineConfig):
        super().__init__()
        self.contract = contract
        self.engine_config = engine_config

    def expand(self, records):
        size = self.engine_config.batch_size
        return (records
                | "Batch" >> beam.BatchElements(min_batch_size=size, max_batch_size=size).with_input_types(Shaped)
                | "Redact" >> beam.ParDo(RedactDoFn(self.contract, self.engine_config))
                .with_input_types(list[Shaped]).with_output_types(Redacted)
                .with_outputs(QUARANTINE, main="records"))
