"""Stage 6: every free-text value through Presidio and the record's own context.

The analyzer (spaCy model and recognizers) is built once per worker in
`setup`, never per element and never pickled. Elements arrive in batches so
that spaCy runs `nlp.pipe` over many texts at once; a batch that fails is
retried one text at a time so that one bad record cannot take its
neighbours down, and a record whose text cannot be redacted is quarantined.
"""
import logging
from collections import Counter

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from pipelines.quarantine import QUARANTINE, quarantined
from redaction_rules.contract import ROLE_ENTITIES, Contract
from redaction_rules.engine import Engine, EngineConfig
from redaction_rules.recognizers import RecordContextRecognizer
from redaction_rules.shaping import get_at, replaced_at
from redaction_rules.text_redaction import TextRedactor


class _Redact(beam.DoFn):
    def __init__(self, contract: Contract, engine_config: EngineConfig):
        self.contract = contract
        self.engine_config = engine_config

    def setup(self):
        # Presidio logs every recognizer it builds at INFO, and one is built per record
        logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
        self.engine = Engine(self.engine_config)
        self.redactor = TextRedactor(self.contract)
        self.failed = Metrics.counter("feedshield", "quarantined_redaction")
        self.texts = Metrics.counter("feedshield", "texts_redacted")

    def _context(self, record: dict) -> RecordContextRecognizer:
        kept_texts = []
        if "charges.description" in self.contract.fields:
            kept_texts = [c.get("description") for c in record.get("charges") or [] if isinstance(c, dict)]
        return RecordContextRecognizer(record.get("persons") or [], self.contract.removed_roles,
                                       ROLE_ENTITIES, self.contract.strip, kept_texts)

    def _redact(self, elements: list[dict]) -> list[dict]:
        jobs = [(i, loc) for i, e in enumerate(elements) for loc in e["texts"]]
        texts = [get_at(elements[i]["output"], loc) for i, loc in jobs]
        contexts = {i: self._context(elements[i]["record"]) for i in {i for i, _ in jobs}}
        outputs = [e["output"] for e in elements]
        counts = [Counter() for _ in elements]
        for (i, loc), text, results in zip(jobs, texts, self.engine.analyze_batch(texts)):
            results = list(results) + contexts[i].analyze(text)
            redaction = self.redactor.redact(text, results)
            outputs[i] = replaced_at(outputs[i], loc, redaction.text)
            counts[i].update(redaction.entities)
        self.texts.inc(len(jobs))
        return [{**element, "output": output, "entities": dict(count)}
                for element, output, count in zip(elements, outputs, counts)]

    def process(self, batch):
        try:
            # nothing leaves before the whole batch is redacted, so a failure can retry it text by text
            yield from self._redact(batch)
            return
        except Exception:
            pass
        for element in batch:  # isolate the failure
            try:
                yield from self._redact([element])
            except Exception as exc:
                self.failed.inc()
                yield pvalue.TaggedOutput(QUARANTINE, quarantined(
                    {**element, "output": None}, "redact_free_text", [f"text redaction failed: {type(exc).__name__}"]))


class RedactFreeText(beam.PTransform):
    """Outputs: main (records with every free-text value redacted) and `quarantine`."""

    def __init__(self, contract: Contract, engine_config: EngineConfig, batch_size: int = 64):
        super().__init__()
        self.contract = contract
        self.engine_config = engine_config
        self.batch_size = batch_size

    def expand(self, records):
        return (records
                | "Batch" >> beam.BatchElements(min_batch_size=self.batch_size, max_batch_size=self.batch_size)
                | "Redact" >> beam.ParDo(_Redact(self.contract, self.engine_config)).with_outputs(QUARANTINE, main="records"))
