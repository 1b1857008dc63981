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

The holdings reach every worker as a side input (a few hundred bytes a
held record), so that records stream through both steps as they come,
never held back for a join; only the question "which held records did
this export not hold at all" is a join, of keys alone.
"""
import typing

import apache_beam as beam
from apache_beam import pvalue

from ledger import changes
from ledger.audit_key import ledger_key
from ledger.holdings import Holding, source_digest
from ledger.disclosure import Discloser
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
                | "Read" >> beam.io.ReadFromText(self.path, validate=False)  # written by the driver before the run
                | "Parse" >> beam.Map(Holding.from_line).with_output_types(Holding)
                | "ByRecord" >> beam.Map(lambda h: (h.record, h)))


HELD = typing.Dict[str, Holding]
SEEN = "seen"  # the ledger keys of the records an export holds


class _Decide(beam.DoFn):
    """Each element against the holdings, by the ledger key of its record id (the audit key is read
    on the worker), as `decide` says: `ledger.changes`' outcomes as Beam's outputs."""

    def __init__(self, audit_key: KeyReference, terms: str, incremental: bool, retractable: bool):
        self.audit_key, self.terms = audit_key, terms
        self.incremental, self.retractable = incremental, retractable

    def setup(self):
        self.key = self.audit_key.load()

    def decide(self, element, held: Holding | None):
        raise NotImplementedError

    def process(self, element, held):
        record = getattr(element, "record", None)
        key = ledger_key(self.key, str(record.get("record_id") if record is not None else element.record_id))
        for what, value in self.decide(element, held.get(key)):
            if what in (changes.GO_ON, changes.SEND):
                yield element
                if what == changes.SEND:
                    yield pvalue.TaggedOutput(DISCLOSED, Disclosure(element.src, value[1]))
            elif what == changes.UNCHANGED:
                yield pvalue.TaggedOutput(UNCHANGED, value[1])
            elif what == changes.RETRACT:
                yield pvalue.TaggedOutput(RETRACTED, Retraction(value))
        yield pvalue.TaggedOutput(SEEN, key)


class _TriageRecord(_Decide):
    def decide(self, element: Parsed, held):
        digest = source_digest(self.key, self.terms, element.record)
        return changes.triage(held, [(element, digest)], [], self.incremental, False, self.retractable)


class _TriageExcluded(_Decide):
    def decide(self, element: Excluded, held):
        return changes.triage(held, [], [element.rule], self.incremental, False, self.retractable)


class _SettlePublished(_Decide):
    """A published record is described for the ledger as it is compared (`ledger.disclosure`)."""

    def __init__(self, contract: Contract, *args):
        super().__init__(*args)
        self.contract = contract

    def setup(self):
        super().setup()
        self.discloser = Discloser(self.key, self.contract)

    def decide(self, element: Redacted, held):
        body = {**self.discloser.describe(element.record, element.output),
                "source": source_digest(self.key, self.terms, element.record)}
        return changes.settle(held, [(element, body)], None, False, self.incremental, self.retractable)


class _SettleQuarantined(_Decide):
    def decide(self, element: Quarantined, held):
        return changes.settle(held, [], element.stage, False, self.incremental, self.retractable)


class _SettleSuppressed(_Decide):
    def decide(self, element: Redacted, held):
        return changes.settle(held, [], None, True, self.incremental, self.retractable)


class _Unseen(beam.DoFn):
    """A held record whose id the export did not hold at all: gone from a full export (retracted), or
    left as it is by a changes-only one (kept)."""

    def __init__(self, changes_only: bool, retractable: bool):
        self.changes_only, self.retractable = changes_only, retractable

    def process(self, keyed):
        _, grouped = keyed
        if grouped["seen"] or not grouped["held"]:
            return
        for what, value in changes.triage(grouped["held"][0], [], [], True, self.changes_only, self.retractable):
            yield pvalue.TaggedOutput(RETRACTED, Retraction(value)) if what == changes.RETRACT else value


def _against(elements, label: str, dofn: _Decide, kind, held, *tags, main: str = "records"):
    """`elements` through one decision, with the holdings as side input."""
    step = beam.ParDo(dofn, held=held).with_input_types(kind, held=HELD)
    if main == "records":
        step = step.with_output_types(kind)
    return elements | label >> step.with_outputs(*tags, SEEN, main=main)


class TriageRecords(beam.PTransform):
    """`records`: the records to shape. `unchanged`: holdings an increment keeps as they are, unread;
    `kept`: holdings a changes-only input does not touch; `retracted`: held records that are excluded
    now, or gone from a full export."""

    def __init__(self, audit_key: KeyReference, terms: str, incremental: bool, changes_only: bool, retractable: bool):
        super().__init__()
        self.settings = (audit_key, terms, incremental, retractable)
        self.changes_only, self.retractable = changes_only, retractable

    def expand(self, inputs):
        records, excluded, holdings = inputs
        held = beam.pvalue.AsDict(holdings)
        triaged = _against(records, "Triage", _TriageRecord(*self.settings), Parsed, held, UNCHANGED, RETRACTED)
        gone = _against(excluded, "TriageExcluded", _TriageExcluded(*self.settings), Excluded, held, RETRACTED,
                        main="none")
        seen = (triaged[SEEN], gone[SEEN]) | "Seen" >> beam.Flatten() | "SeenKeys" >> beam.Map(lambda k: (k, True))
        unseen = ({"held": holdings, "seen": seen}
                  | "JoinSeen" >> beam.CoGroupByKey()
                  | "Unseen" >> beam.ParDo(_Unseen(self.changes_only, self.retractable)).with_outputs(RETRACTED, main="kept"))
        retracted = (triaged[RETRACTED], gone[RETRACTED], unseen[RETRACTED]) | "Retracted" >> beam.Flatten()
        return {"records": triaged.records, UNCHANGED: triaged[UNCHANGED], KEPT: unseen.kept, RETRACTED: retracted}


class CompareWithHoldings(beam.PTransform):
    """`records`: the records this release sends. `disclosed`: their ledger entries; `unchanged`:
    records an increment need not send again; `retracted`: held records quarantined or suppressed
    now, or held under a recipient id that changed."""

    def __init__(self, contract: Contract, audit_key: KeyReference, terms: str, incremental: bool):
        super().__init__()
        self.contract = contract
        self.settings = (audit_key, terms, incremental, contract.shows_record_id)

    def expand(self, inputs):
        published, quarantined, suppressed, holdings = inputs
        held = beam.pvalue.AsDict(holdings)
        compared = _against(published, "DescribeDisclosures", _SettlePublished(self.contract, *self.settings),
                            Redacted, held, DISCLOSED, UNCHANGED, RETRACTED)
        quarantine = _against(quarantined, "SettleQuarantined", _SettleQuarantined(*self.settings), Quarantined,
                              held, RETRACTED, main="none")
        suppression = _against(suppressed, "SettleSuppressed", _SettleSuppressed(*self.settings), Redacted, held,
                               RETRACTED, main="none")
        retracted = (compared[RETRACTED], quarantine[RETRACTED], suppression[RETRACTED]) | "Retracted" >> beam.Flatten()
        return {"records": compared.records, DISCLOSED: compared[DISCLOSED], UNCHANGED: compared[UNCHANGED],
                RETRACTED: retracted}
