"""The ledger's view of each published record, made on the workers beside the feed.

Carries the audit key's reference, never the key (`secret_key.py`): each
worker reads the key in `setup`. What it makes holds keyed hashes, field
names and digests only, and goes to the run's staging folder, never to
the recipient. Each published record comes out keyed by its ledger key,
with the digest of the source it was made from and its position, for the
comparison with what the recipient holds (the record itself stays where
it is).
"""
import apache_beam as beam

from ledger.disclosure import Discloser
from ledger.holdings import source_digest
from pipelines.elements import Redacted
from redaction_rules.contract import Contract
from redaction_rules.secret_key import KeyReference


class DiscloseDoFn(beam.DoFn):
    def __init__(self, contract: Contract, audit_key: KeyReference, terms: str):
        self.contract = contract
        self.audit_key = audit_key
        self.terms = terms

    def setup(self):
        self.key = self.audit_key.load()
        self.discloser = Discloser(self.key, self.contract)

    def process(self, element: Redacted):
        body = self.discloser.describe(element.record, element.output)
        body["source"] = source_digest(self.key, self.terms, element.record)
        yield body["record"], (element.src, body)


class DescribeDisclosures(beam.PTransform):
    def __init__(self, contract: Contract, audit_key: KeyReference, terms: str):
        super().__init__()
        self.contract = contract
        self.audit_key = audit_key
        self.terms = terms

    def expand(self, published):
        return published | "Describe" >> (beam.ParDo(DiscloseDoFn(self.contract, self.audit_key, self.terms))
                                          .with_input_types(Redacted))
