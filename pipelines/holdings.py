"""What the recipient holds, read by the workers and set beside this run's records.

`ReadHoldings` reads the staging file the driver wrote from the ledger
(keys and digests, no values). `TriageRecords` runs before shaping: in an
increment a record made from the same source under the same terms is not
shaped, redacted or sent again, and a held record that was excluded or is
gone from a full export is retracted. `CompareWithHoldings` runs after the
risk gate: each published record is new, an update, unchanged or resent
(`ledger.changes.compare`), and a held record that was quarantined or
suppressed is retracted. Records and holdings meet by the ledger key of
the source record id, which each worker computes with the audit key it
reads itself.
"""
import apache_beam as beam
from apache_beam import pvalue

from ledger import changes
from ledger.audit_key import ledger_key
from ledger.holdings import Holding, source_digest
from pipelines.disclose import DescribeDisclosures
from pipelines.elements import (DISCLOSED, KEPT, RETRACTED, UNCHANGED, Disclosure, Excluded, Parsed, Quarantined,
                                Redacted, Retraction)
from redaction_rules.contract import Contract
from redaction_rules.secret_key import KeyReference


class ReadHoldings(beam.PTransform):
    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def expand(self, pbegin):
        return (pbegin
                | "Read" >> beam.io.ReadFromText(self.path)
                | "Parse" >> beam.Map(Holding.from_line).with_output_types(Holding)
                | "ByRecord" >> beam.Map(lambda h: (h.record, h)))


class _KeyByRecord(beam.DoFn):
    """(ledger key, (what, element, source digest)): the audit key is read on the worker."""

    def __init__(self, what: str, audit_key: KeyReference, terms: str):
        self.what = what
        self.audit_key = audit_key
        self.terms = terms

    def setup(self):
        self.key = self.audit_key.load()

    def process(self, element):
        digest = source_digest(self.key, self.terms, element.record) if self.what == "record" else None
        yield ledger_key(self.key, str(element.record_id if self.what != "record"
                                       else element.record.get("record_id"))), (element, digest)


def _held(grouped) -> Holding | None:
    held = grouped.get("held") or []
    return held[0] if held else None


class _Triage(beam.DoFn):
    def __init__(self, incremental: bool, changes_only: bool, retractable: bool):
        self.incremental, self.changes_only, self.retractable = incremental, changes_only, retractable

    def process(self, keyed):
        _, grouped = keyed
        held = _held(grouped)
        records, excluded = grouped["records"], grouped["excluded"]
        for element, digest in records:
            if changes.unchanged_source(held, digest, self.incremental):
                yield pvalue.TaggedOutput(UNCHANGED, held)
            else:
                yield element
        if records or held is None or not self.retractable:
            return
        if excluded:
            yield pvalue.TaggedOutput(RETRACTED, Retraction(changes.retraction(held, changes.excluded(excluded[0][0].rule))))
            return
        gone = changes.when_absent(held, self.changes_only)
        yield pvalue.TaggedOutput(RETRACTED, Retraction(gone)) if gone else pvalue.TaggedOutput(KEPT, held)


class TriageRecords(beam.PTransform):
    """Main: the records to shape. `unchanged`: holdings an increment keeps as they are, unread;
    `kept`: holdings a changes-only input does not touch; `retracted`: held records that are excluded
    now, or gone from a full export."""

    def __init__(self, audit_key: KeyReference, terms: str, incremental: bool, changes_only: bool, retractable: bool):
        super().__init__()
        self.audit_key, self.terms = audit_key, terms
        self.incremental, self.changes_only, self.retractable = incremental, changes_only, retractable

    def expand(self, inputs):
        records, excluded, holdings = inputs
        keyed = {
            "held": holdings,
            "records": records | "KeyRecords" >> beam.ParDo(_KeyByRecord("record", self.audit_key, self.terms)),
            "excluded": excluded | "KeyExcluded" >> beam.ParDo(_KeyByRecord("excluded", self.audit_key, self.terms)),
        }
        return (keyed
                | "Join" >> beam.CoGroupByKey()
                | "Triage" >> (beam.ParDo(_Triage(self.incremental, self.changes_only, self.retractable))
                               .with_output_types(Parsed)
                               .with_outputs(UNCHANGED, KEPT, RETRACTED, main="records")))


class _Compare(beam.DoFn):
    def __init__(self, incremental: bool, retractable: bool):
        self.incremental, self.retractable = incremental, retractable

    def process(self, keyed):
        _, grouped = keyed
        held = _held(grouped)
        sent = grouped["sent"]
        for element, body in sent:
            change, retraction, body = changes.compare(held, body, self.incremental)
            if retraction and self.retractable:
                yield pvalue.TaggedOutput(RETRACTED, Retraction(retraction))
            if change == changes.UNCHANGED:
                yield pvalue.TaggedOutput(UNCHANGED, held)
            else:
                yield element
                yield pvalue.TaggedOutput(DISCLOSED, Disclosure(element.src, body))
        if sent or held is None or not self.retractable:
            return
        if grouped["quarantined"]:
            (element, _), *_ = grouped["quarantined"]
            yield pvalue.TaggedOutput(RETRACTED, Retraction(changes.retraction(held, changes.quarantined(element.stage))))
        elif grouped["suppressed"]:
            yield pvalue.TaggedOutput(RETRACTED, Retraction(changes.retraction(held, changes.SUPPRESSED)))


class CompareWithHoldings(beam.PTransform):
    """Main: the records this release sends. `disclosed`: their ledger entries; `unchanged`: records an
    increment need not send again; `retracted`: held records quarantined or suppressed now, or held
    under a recipient id that changed."""

    def __init__(self, contract: Contract, audit_key: KeyReference, terms: str, incremental: bool):
        super().__init__()
        self.contract, self.audit_key, self.terms, self.incremental = contract, audit_key, terms, incremental

    def expand(self, inputs):
        published, quarantined, suppressed, holdings = inputs
        keyed = {
            "held": holdings,
            "sent": published | "DescribeDisclosures" >> DescribeDisclosures(self.contract, self.audit_key, self.terms),
            "quarantined": quarantined | "KeyQuarantined" >> beam.ParDo(_KeyByRecord("quarantined", self.audit_key, self.terms)),
            "suppressed": suppressed | "KeySuppressed" >> beam.ParDo(_KeyByRecord("record", self.audit_key, self.terms)),
        }
        return (keyed
                | "Join" >> beam.CoGroupByKey()
                | "Compare" >> (beam.ParDo(_Compare(self.incremental, self.contract.shows_record_id))
                                .with_output_types(Redacted)
                                .with_outputs(DISCLOSED, UNCHANGED, RETRACTED, main="records")))
