"""Every free-text value of a shaped record, redacted against the record's own people.

A narrative is analysed twice over: by the engine (spaCy's NER and the
recognizers, which know names and patterns in general) and by a
`RecordContextRecognizer` made for the record (which knows the people the
contract removes, their names, addresses, phones and attributes, and the
charge descriptions it keeps). `TextRedactor` then turns the two result
lists into text as the contract says. The engine runs over a batch of
texts at once so that spaCy can pipe them; the record context is built per
record, since it is the record.
"""
from collections import Counter
from typing import NamedTuple, Sequence

from redaction_rules.contract import ROLE_ENTITIES, Contract
from redaction_rules.engine import Engine, EngineConfig
from redaction_rules.recognizers import RecordContextRecognizer
from redaction_rules.shaping import get_at, replaced_at
from redaction_rules.text_redaction import TextRedactor


class RedactedRecord(NamedTuple):
    output: dict
    entities: dict  # entity type → how many regions of it were replaced


class RecordRedactor:
    """Built once per worker: it holds the engine, and with it the spaCy model."""

    def __init__(self, contract: Contract, engine_config: EngineConfig):
        self.contract = contract
        self.engine = Engine(engine_config)
        self.text_redactor = TextRedactor(contract)
        self.keeps_charges = "charges.description" in contract.fields

    def context(self, record: dict) -> RecordContextRecognizer:
        kept_texts = []
        if self.keeps_charges:
            kept_texts = [c.get("description") for c in record.get("charges") or [] if isinstance(c, dict)]
        return RecordContextRecognizer(record.get("persons") or [], self.contract.removed_roles,
                                       ROLE_ENTITIES, self.contract.strip, kept_texts)

    def redact(self, shaped: Sequence[tuple[dict, dict, Sequence[tuple]]]) -> list[RedactedRecord]:
        """(record, output, text locations) of each shaped record → its output with the texts redacted.

        Outputs are copied along the changed paths, never changed in place.
        """
        jobs = [(i, loc) for i, (_, _, locs) in enumerate(shaped) for loc in locs]
        texts = [get_at(shaped[i][1], loc) for i, loc in jobs]
        contexts = {i: self.context(shaped[i][0]) for i in {i for i, _ in jobs}}
        outputs = [output for _, output, _ in shaped]
        counts = [Counter() for _ in shaped]
        for (i, loc), text, results in zip(jobs, texts, self.engine.analyze_batch(texts)):
            results = list(results) + contexts[i].analyze(text)
            redaction = self.text_redactor.redact(text, results)
            outputs[i] = replaced_at(outputs[i], loc, redaction.text)
            counts[i].update(redaction.entities)
        return [RedactedRecord(output, dict(count)) for output, count in zip(outputs, counts)]
