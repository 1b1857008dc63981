"""The export pipeline, as two composite transforms.

`ShieldFeed` is the data's path from exported lines to a verified feed;
`WriteRun` puts the feed, the withheld records and the tallies into the
run's staging folder. The driver (`run.py`) decides whether staging is
published.
"""
import re
from dataclasses import dataclass

import apache_beam as beam

from pipelines.apply_contract import ApplyContract
from pipelines.assess_risk import AssessRisk
from pipelines.elements import DeadLetter, Quarantined
from pipelines.exclude import ExcludeRecords
from pipelines.inputs import InputFile
from pipelines.parse import ParseRecords
from pipelines.progress import PUBLISHED, READ, WITHHELD, CountProgress
from pipelines.group_rows import GroupRows
from pipelines.holdings import CompareWithHoldings, ReadHoldings, TriageRecords
from pipelines.map_rows import MapRows
from pipelines.redact import RedactFreeText
from pipelines.repeated_ids import FindRepeatedIds
from pipelines.scan_inputs import PROOFS, ReadInputs
from pipelines.verify import VerifyRecords
from pipelines.write import WriteShards, WriteTally, WriteJsonFile
from redaction_rules.contract import Contract
from redaction_rules.secret_key import KeyReference
from redaction_rules.engine import EngineConfig
from redaction_rules.risk import model_for
from redaction_rules.source_mapping import SourceMapping

FEED_DIR, QUARANTINE_DIR, DEAD_LETTER_DIR, DISCLOSURES_DIR = "feed", "quarantine", "dead-letter", "_disclosures"
RETRACTIONS_DIR, LEDGER_RETRACTIONS_DIR = "_retractions", "_ledger_retractions"
STAGING_DIRS = (FEED_DIR, QUARANTINE_DIR, DEAD_LETTER_DIR, DISCLOSURES_DIR, RETRACTIONS_DIR, LEDGER_RETRACTIONS_DIR)
HOLDINGS_FILE = "_holdings.jsonl"
COUNTS_FILE, ENTITIES_FILE, REPEATS_FILE, REASONS_FILE, RUNS = (
    "_counts.json", "_entities.json", "_repeats.json", "_reasons.json", "_runs")
RISK_BEFORE_FILE, RISK_AFTER_FILE = "_risk_before.json", "_risk_after.json"
INPUTS_FILE = "_inputs.json"  # (index, sha256, records, latest) of each input, as proved where it was read
OUTPUTS_FILE = "_outputs.json"  # (path, sha256, lines) of each file the workers wrote, as they wrote it
_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Plan:
    """Everything a run needs, validated before the pipeline is built."""
    inputs: tuple[InputFile, ...]
    contract: Contract
    key: KeyReference | None  # the pseudonymization key's reference: workers read the key themselves
    engine: EngineConfig
    schema: dict
    staging: str
    feed_shards: int = 1
    mapping: SourceMapping | None = None  # None: the inputs are the spec's JSON Lines
    audit_key: KeyReference | None = None  # the city's audit key's reference: the ledger's view of each record
    held_files: tuple[str, ...] = ()  # feed files of the committed releases: what the recipient already holds
    terms: str = ""  # `holdings.terms_digest` of what a feed line depends on besides its record
    incremental: bool = False  # send only what changed since the last committed release
    changes_only: bool = False  # the input holds only changed records: an absent record is unchanged

    @property
    def holdings_file(self) -> str:
        return beam.io.filesystems.FileSystems.join(self.staging, HOLDINGS_FILE)

    @property
    def places(self) -> list[str]:
        return [f.place for f in self.inputs]


class ShieldFeed(beam.PTransform):
    def __init__(self, plan: Plan):
        super().__init__()
        self.plan = plan

    def expand(self, pbegin):
        plan = self.plan
        read = pbegin | "Read" >> ReadInputs(plan.inputs, plan.staging, plan.mapping)
        read, proofs = read["elements"], read[PROOFS]
        read = read | "ProgressRead" >> CountProgress(plan.staging, READ, passthrough=True)
        if plan.mapping and plan.mapping.group_by:
            read = read | "GroupRows" >> GroupRows(plan.mapping.group_by)
        if plan.mapping:
            parsed = read | "MapRows" >> MapRows(plan.mapping, plan.schema, plan.places)
        else:
            parsed = read | "Parse" >> ParseRecords(plan.schema, plan.places)
        dead_letter = parsed.dead_letter
        repeats = parsed.records | "FindRepeatedIds" >> FindRepeatedIds()
        kept = parsed.records | "Exclude" >> ExcludeRecords(plan.contract)
        holdings = pbegin | "ReadHoldings" >> ReadHoldings(plan.holdings_file)
        triage = ((kept.records, kept.excluded, holdings)
                  | "Triage" >> TriageRecords(plan.audit_key, plan.terms, plan.incremental, plan.changes_only,
                                              plan.contract.shows_record_id))
        shaped = triage["records"] | "ApplyContract" >> ApplyContract(plan.contract, plan.key)
        redacted = shaped.records | "RedactFreeText" >> RedactFreeText(plan.contract, plan.engine)
        verified = redacted.records | "Verify" >> VerifyRecords(plan.contract)
        untouched = (triage["unchanged"], triage["kept"]) | "Untouched" >> beam.Flatten()
        risk = verified.records | "AssessRisk" >> AssessRisk(
            model_for(plan.contract), plan.held_files, untouched if plan.contract.shows_record_id else None)
        quarantine = ((shaped.quarantine, redacted.quarantine, verified.quarantine)
                      | "GatherQuarantine" >> beam.Flatten())
        compared = ((risk["records"], quarantine, risk["suppressed"], holdings)
                    | "CompareWithHoldings" >> CompareWithHoldings(plan.contract, plan.audit_key, plan.terms,
                                                                   plan.incremental))
        unchanged = (triage["unchanged"], compared["unchanged"]) | "Unchanged" >> beam.Flatten()
        retracted = (triage["retracted"], compared["retracted"]) | "Retracted" >> beam.Flatten()
        for label, done in (("Published", compared["records"]), ("Unchanged", unchanged)):
            done | f"Progress{label}" >> CountProgress(plan.staging, PUBLISHED)
        for label, withheld in (("DeadLettered", dead_letter), ("Excluded", kept.excluded),
                                ("SuppressedForRisk", risk["suppressed"]),
                                ("QuarantinedShaping", shaped.quarantine), ("QuarantinedRedaction", redacted.quarantine),
                                ("QuarantinedVerification", verified.quarantine)):
            withheld | f"Progress{label}" >> CountProgress(plan.staging, WITHHELD)
        return {"feed": compared["records"], "disclosures": compared["disclosed"], "unchanged": unchanged,
                "retracted": retracted, "quarantine": quarantine, "dead_letter": dead_letter,
                "excluded": kept.excluded, "redacted": redacted.records, "repeats": repeats,
                "suppressed": risk["suppressed"], "generalized": risk["generalized"], "held": risk["held"],
                "risk_before": risk["before"], "risk_after": risk["after"], PROOFS: proofs}


class WriteRun(beam.PTransform):
    def __init__(self, plan: Plan):
        super().__init__()
        self.plan = plan

    def expand(self, outputs):
        staging, shards = self.plan.staging, self.plan.feed_shards
        join = beam.io.filesystems.FileSystems.join
        runs = lambda name: join(staging, RUNS, name)  # noqa: E731
        written = (
            outputs["feed"] | "WriteFeed" >> WriteShards(join(staging, FEED_DIR), shards, lambda e: e.output,
                                                         runs(FEED_DIR)),
            outputs["quarantine"] | "WriteQuarantine" >> WriteShards(join(staging, QUARANTINE_DIR), 1,
                                                                     Quarantined._asdict, runs(QUARANTINE_DIR)),
            outputs["dead_letter"] | "WriteDeadLetter" >> WriteShards(join(staging, DEAD_LETTER_DIR), 1,
                                                                      DeadLetter._asdict, runs(DEAD_LETTER_DIR)),
            outputs["disclosures"] | "WriteDisclosures" >> WriteShards(join(staging, DISCLOSURES_DIR), 1,
                                                                       lambda e: e.body, runs(DISCLOSURES_DIR)),
            outputs["retracted"] | "WriteRetractions" >> WriteShards(
                join(staging, RETRACTIONS_DIR), 1, lambda e: {"record_id": e.body["visible_id"]}, runs(RETRACTIONS_DIR)),
            outputs["retracted"] | "WriteLedgerRetractions" >> WriteShards(
                join(staging, LEDGER_RETRACTIONS_DIR), 1, lambda e: e.body, runs(LEDGER_RETRACTIONS_DIR)),
        ) | "AllWritten" >> beam.Flatten()
        (written
         | "GatherWritten" >> beam.combiners.ToList()
         | "WriteWritten" >> beam.ParDo(WriteJsonFile(join(staging, OUTPUTS_FILE), sort=True)))
        dispositions = (
            outputs["feed"] | "PublishedKey" >> beam.Map(lambda _: ("published", 1)),
            outputs["quarantine"] | "QuarantinedKey" >> beam.Map(lambda e: (f"quarantined:{e.stage}", 1)),
            outputs["dead_letter"] | "DeadLetterKey" >> beam.Map(lambda _: ("dead_lettered", 1)),
            outputs["excluded"] | "ExcludedKey" >> beam.Map(lambda e: (f"excluded:{e.rule}", 1)),
            outputs["unchanged"] | "UnchangedKey" >> beam.Map(lambda _: ("unchanged", 1)),
            outputs["retracted"] | "RetractedKey" >> beam.Map(lambda _: ("retracted", 1)),  # held, not read
            outputs["suppressed"] | "SuppressedKey" >> beam.Map(lambda _: ("suppressed:risk", 1)),
            outputs["generalized"] | "GeneralizedKey" >> beam.Map(lambda _: ("generalized:risk", 1)),  # published too
            outputs["held"] | "HeldKey" >> beam.Map(lambda _: ("held:risk", 1)),  # earlier releases', counted
        ) | "AllDispositions" >> beam.Flatten()
        dispositions | "Counts" >> WriteTally(join(staging, COUNTS_FILE))
        reasons = (
            outputs["dead_letter"] | "DeadLetterReasons" >> beam.Map(lambda e: (f"dead letter: {_kind(e.problem)}", 1)),
            outputs["quarantine"] | "QuarantineReasons" >> beam.FlatMap(
                lambda e: [(f"quarantined in {e.stage}: {_kind(r)}", 1) for r in e.reasons]),
        ) | "AllReasons" >> beam.Flatten()
        reasons | "Reasons" >> WriteTally(join(staging, REASONS_FILE))
        (outputs["repeats"]
         | "GatherRepeats" >> beam.combiners.ToList()
         | "WriteRepeats" >> beam.ParDo(WriteJsonFile(join(staging, REPEATS_FILE), sort=True)))
        (outputs[PROOFS]
         | "GatherInputProofs" >> beam.combiners.ToList()
         | "WriteInputProofs" >> beam.ParDo(WriteJsonFile(join(staging, INPUTS_FILE), sort=True)))
        for when, name in (("before", RISK_BEFORE_FILE), ("after", RISK_AFTER_FILE)):
            (outputs[f"risk_{when}"]
             | f"GatherRisk{when.title()}" >> beam.combiners.ToList()
             | f"WriteRisk{when.title()}" >> beam.ParDo(WriteJsonFile(join(staging, name))))
        (outputs["redacted"]
         | "EntityCounts" >> beam.FlatMap(lambda e: e.entities.items())
         | "Entities" >> WriteTally(join(staging, ENTITIES_FILE)))
        return outputs


def _kind(reason: str) -> str:
    """A reason as a kind of problem: `persons[2].dob: ...` and `persons[0].dob: ...` are one kind."""
    return _INDEX.sub("[]", reason)


def build(pipeline: beam.Pipeline, plan: Plan) -> None:
    _ = pipeline | "ShieldFeed" >> ShieldFeed(plan) | "WriteRun" >> WriteRun(plan)
