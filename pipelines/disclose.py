"""The ledger's view of each published record, made on the workers beside the feed.

Carries the audit key's reference, never the key (`secret_key.py`): each
worker reads the key in `setup`. What it makes holds keyed hashes, field
names and digests only, and goes to the run's staging folder, never to
the recipient.
"""
import apache_beam as beam

from ledger.disclosure import Discloser
from pipelines.elements import Disclosure, Redacted
from redaction_rules.contract import Contract
from redaction_rules.secret_key import KeyReference


class DiscloseDoFn(beam.DoFn):
    def __init__(self, contract: Contract, audit_key: KeyReference):
        self.contract = contract
        self.audit_key = audit_key

    def setup(self):
        self.discloser = Discloser(self.audit_key.load(), self.contract)

    def process(self, element: Redacted):
        yield Disclosure(element.src, self.discloser.describe(element.record, element.output))


class DescribeDisclosures(beam.PTransform):
    def __init__(self, contract: Contract, audit_key: KeyReference):
        super().__init__()
        self.contract = contract
        self.audit_key = audit_key

    def expand(self, published):
        return published | "Describe" >> (beam.ParDo(DiscloseDoFn(self.contract, self.audit_key))
                                          .with_input_types(Redacted).with_output_types(Disclosure))
