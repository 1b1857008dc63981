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
import typing

import apache_beam as beam
from apache_beam import pvalue

from ledger import changes
from ledger.audit_key import ledger_key
from ledger.holdings import Holding, source_digest
from pipelines.disclose import DescribeDisclosures
from pipelines.elements import DISCLOSED, KEPT, RETRACTED, UNCHANGED, Disclosure, Parsed, Redacted, Retraction
from redaction_rules.contract import Contract
from redaction_rules.secret_key import KeyReference


class ReadHoldings(beam.PTransform):
    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def expand(self, pbegin):
        return (pbegin
                | "Read" >> beam.io.ReadFromText(self.path, validate=False)  # written by the driver before the run
                | "Parse" >> beam.Map(Holding.from_line).with_output_types(Holding)
                | "ByRecord" >> beam.Map(lambda h: (h.record, h)))


class _KeyByRecord(beam.DoFn):
    """(ledger key of the record id, (its position, what the decision needs)): only these cross the
    shuffle, never the record. The audit key is read on the worker. A record (`Parsed`) comes with
    its source digest (`terms` given), an `Excluded` with its rule, a `Quarantined` with its stage,
    a suppressed `Redacted` with nothing."""

    def __init__(self, audit_key: KeyReference, terms: str | None = None):
        self.audit_key = audit_key
        self.terms = terms

    def setup(self):
        self.key = self.audit_key.load()

    def process(self, element):
        record = getattr(element, "record", None)
        record_id = record.get("record_id") if record is not None else element.record_id
        if self.terms is not None:
            extra = source_digest(self.key, self.terms, record)
        else:
            extra = getattr(element, "rule", None) or getattr(element, "stage", None)
        yield ledger_key(self.key, str(record_id)), (element.src, extra)


def _held(grouped) -> Holding | None:
    held = grouped.get("held") or []
    return held[0] if held else None


def _tagged(outcomes):
    """`ledger.changes`' outcomes as Beam's outputs; records are named by their positions."""
    for what, value in outcomes:
        if what == changes.SEND:
            src, body = value
            yield pvalue.TaggedOutput(DISCLOSED, Disclosure(src, body))
        elif what == changes.UNCHANGED:
            src, held = value
            yield pvalue.TaggedOutput(UNCHANGED, held)
            yield src, True  # main: the positions of the records not to go on with
        elif what == changes.RETRACT:
            yield pvalue.TaggedOutput(RETRACTED, Retraction(value))
        elif what == changes.KEEP:
            yield pvalue.TaggedOutput(KEPT, value)


class _Triage(beam.DoFn):
    def __init__(self, incremental: bool, changes_only: bool, retractable: bool):
        self.incremental, self.changes_only, self.retractable = incremental, changes_only, retractable

    def process(self, keyed):
        _, grouped = keyed
        yield from _tagged(changes.triage(_held(grouped), grouped["records"], [rule for _, rule in grouped["excluded"]],
                                          self.incremental, self.changes_only, self.retractable))


SKIPPED = typing.Dict[typing.Tuple[int, int], bool]  # positions of the records not to go on with


def _unless_at(element, skipped):
    if element.src not in skipped:
        yield element


class TriageRecords(beam.PTransform):
    """`records`: the records to shape. `unchanged`: holdings an increment keeps as they are, unread;
    `kept`: holdings a changes-only input does not touch; `retracted`: held records that are excluded
    now, or gone from a full export. The records meet the holdings by key and position alone; those
    an increment leaves are then taken out by position (a side input, empty in a full release)."""

    def __init__(self, audit_key: KeyReference, terms: str, incremental: bool, changes_only: bool, retractable: bool):
        super().__init__()
        self.audit_key, self.terms = audit_key, terms
        self.incremental, self.changes_only, self.retractable = incremental, changes_only, retractable

    def expand(self, inputs):
        records, excluded, holdings = inputs
        keyed = {
            "held": holdings,
            "records": records | "KeyRecords" >> beam.ParDo(_KeyByRecord(self.audit_key, self.terms)),
            "excluded": excluded | "KeyExcluded" >> beam.ParDo(_KeyByRecord(self.audit_key)),
        }
        decided = (keyed
                   | "Join" >> beam.CoGroupByKey()
                   | "Triage" >> beam.ParDo(_Triage(self.incremental, self.changes_only, self.retractable))
                   .with_outputs(UNCHANGED, KEPT, RETRACTED, main="skipped"))
        going_on = records | "GoOn" >> (beam.FlatMap(_unless_at, skipped=beam.pvalue.AsDict(decided.skipped))
                                        .with_input_types(Parsed, skipped=SKIPPED).with_output_types(Parsed))
        return {"records": going_on, UNCHANGED: decided[UNCHANGED], KEPT: decided[KEPT],
                RETRACTED: decided[RETRACTED]}


class _Compare(beam.DoFn):
    def __init__(self, incremental: bool, retractable: bool):
        self.incremental, self.retractable = incremental, retractable

    def process(self, keyed):
        _, grouped = keyed
        stage = next((stage for _, stage in grouped["quarantined"]), None)
        yield from _tagged(changes.settle(_held(grouped), grouped["sent"], stage, bool(grouped["suppressed"]),
                                          self.incremental, self.retractable))


class CompareWithHoldings(beam.PTransform):
    """`records`: the records this release sends. `disclosed`: their ledger entries; `unchanged`: records an
    increment need not send again; `retracted`: held records quarantined or suppressed now, or held
    under a recipient id that changed. As in triage, only keys, positions and the ledger's entries
    meet the holdings; the records not to send are then taken out by position."""

    def __init__(self, contract: Contract, audit_key: KeyReference, terms: str, incremental: bool):
        super().__init__()
        self.contract, self.audit_key, self.terms, self.incremental = contract, audit_key, terms, incremental

    def expand(self, inputs):
        published, quarantined, suppressed, holdings = inputs
        keyed = {
            "held": holdings,
            "sent": published | "DescribeDisclosures" >> DescribeDisclosures(self.contract, self.audit_key, self.terms),
            "quarantined": quarantined | "KeyQuarantined" >> beam.ParDo(_KeyByRecord(self.audit_key)),
            "suppressed": suppressed | "KeySuppressed" >> beam.ParDo(_KeyByRecord(self.audit_key)),
        }
        decided = (keyed
                   | "Join" >> beam.CoGroupByKey()
                   | "Compare" >> beam.ParDo(_Compare(self.incremental, self.contract.shows_record_id))
                   .with_outputs(DISCLOSED, UNCHANGED, RETRACTED, main="skipped"))
        sending = published | "Send" >> (beam.FlatMap(_unless_at, skipped=beam.pvalue.AsDict(decided.skipped))
                                         .with_input_types(Redacted, skipped=SKIPPED).with_output_types(Redacted))
        return {"records": sending, DISCLOSED: decided[DISCLOSED], UNCHANGED: decided[UNCHANGED],
                RETRACTED: decided[RETRACTED]}
