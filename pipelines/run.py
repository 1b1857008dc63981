"""`feedshield run`: one export under one contract, start to finish.

The order is the policy, one phase a function: `preflight` loads the
contract, which must be in force before any input is read, the key, the
engine configuration and the model, and resolves the inputs; `run_pipeline`
runs the Beam job into a staging folder; `account` decides from the
counts whether the feed may be published (they must add up, no record id
may repeat, the quarantine share must stay under the contract's
threshold); `publish_run` moves the withheld records, the feed, the
manifest and the report into place, the manifest last. Every way out has
its own exit code (`exit_codes.py`), and everything the driver says goes
to the `feedshield` logger and the run folder's owner-only `run.log`.
"""
import itertools
import json
import re
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from importlib.metadata import version
from pathlib import Path

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from sqlalchemy.exc import SQLAlchemyError

from ledger.audit_key import audit_key_reference, ledger_key
from ledger.changes import completed
from ledger.holdings import FULL, INCREMENT, holdings, terms_digest, write_holdings
from ledger.signing import HeadSigner
from ledger.store import Ledger, LedgerError, default_url
from pipelines import exit_codes, logs, publish, stored_files
from pipelines.digests import sha256_and_lines
from pipelines.inputs import InputError, InputFile, described, proved, resolve_inputs
from pipelines.job_streams import runner_for
from pipelines.locations import LocationError, check_scheme
from pipelines.loopback import serve_local_workers_on_loopback
from pipelines.options import RunRequest
from pipelines.pipeline import (COUNTS_FILE, DEAD_LETTER_DIR, DISCLOSURES_DIR, ENTITIES_FILE, FEED_DIR, HOLDINGS_FILE,
                                INPUTS_FILE, LEDGER_RETRACTIONS_DIR, OUTPUTS_FILE, QUARANTINE_DIR, REASONS_FILE,
                                REPEATS_FILE, RETRACTIONS_DIR, RISK_AFTER_FILE, RISK_BEFORE_FILE, STAGING_DIRS, Plan, build)
from pipelines.write import shard_name
from pipelines.progress import ProgressWatcher
from pipelines.read_sql import SqlUnreadable, safe_url
from pipelines.publish import Publisher
from pipelines.object_feed import StateMissing, feed_folder
from pipelines.releases import RUN_RECORD, FeedFolder
from pipelines.report import render_report
from redaction_rules.contract_loader import ContractError, LoadedContract, key_reference, load_contract
from redaction_rules.engine import EngineConfig, EngineConfigError, ModelUnavailable, check_model, load_engine_config
from redaction_rules.explain import explain
from redaction_rules.fields import record_schema
from redaction_rules.risk import model_for
from redaction_rules.secret_key import KeyReference, KeyUnavailable
from redaction_rules.source_mapping import LoadedMapping, MappingError, load_mapping

DEFAULT_RUNNER = "FnApiRunner"  # the DirectRunner would first try to download Prism
RUN_LOG, REPORT, MANIFEST, RETRACTIONS = "run.log", "report.html", "manifest.json", "retractions.jsonl"
RECIPIENT_MANIFEST = "_recipient_manifest.json"  # the release's manifest.json, as staged

# What to do when a stage fails, by the composite transform Beam names in its error.
STAGE_HINTS = {
    "Read": "a worker could not read an input file: check that every worker can reach and read it",
    "MapRows": "mapping rows failed on a worker, which should only route unreadable rows to the dead letters: report it as a bug",
    "Parse": "parsing failed on a worker, which should only route bad lines to the dead letters: report it as a bug",
    "Exclude": "an exclusion rule failed on a worker: check the contract's exclude section",
    "ApplyContract": ("shaping failed on a worker: check the contract's field operators, and that every worker "
                      "has the pseudonymization key the contract names (its environment variable or key file)"),
    "RedactFreeText": ("text redaction failed on a worker: check that the spaCy model and the gazetteers are installed "
                       "where the workers run, and that each worker has memory for the engine (batch_size in the "
                       "engine configuration)"),
    "Verify": "the verification gate failed on a worker: report it as a bug",
    "WriteRun": "writing the run's files failed: check free space and permissions in the output folder",
}


@dataclass
class RunResult:
    exit_code: int
    message: str
    manifest: dict | None = None
    summary: str = ""
    counts: dict = field(default_factory=dict)
    run_dir: Path | None = None  # the release folder, or the failed run's folder


@dataclass(frozen=True)
class Checked:
    """What preflight established: nothing here has read a record."""
    loaded: LoadedContract
    key: KeyReference | None
    audit_key: KeyReference
    engine: EngineConfig
    as_of: date
    inputs: tuple[InputFile, ...]
    mapping: LoadedMapping | None = None
    signer: HeadSigner | None = None  # the driver's alone: it signs ledger heads, never enters the pipeline
    terms: str = ""  # what every feed line depends on besides its record (`holdings.terms_digest`)
    allow_empty: bool = False  # an input of no records may publish an empty release
    shown_input: str = ""  # the input as messages name it

    @property
    def total(self) -> int | None:
        """The input's records; None until the workers have proved every file."""
        return None if any(f.records is None for f in self.inputs) else sum(f.records for f in self.inputs)


@dataclass
class Tallies:
    counts: dict
    entities: dict
    repeats: list
    reasons: dict
    stage_ms: dict
    risk: dict = field(default_factory=dict)  # the class figures before and after the risk gate
    proofs: list = field(default_factory=list)  # (index, sha256, records) of each input file
    written: dict = field(default_factory=dict)  # (sha256, lines) of each file the workers wrote, by staging path

    def file_entry(self, path: str, name: str | None = None) -> dict:
        """An output file for the manifest, proved by the worker that wrote it."""
        sha256, lines = self.written[path]
        return {"file": name or path.rsplit("/", 1)[-1], "sha256": sha256, "records": lines}

    @property
    def changes(self) -> dict:
        return {"sent": self.counts.get("published", 0), "unchanged": self.counts.get("unchanged", 0),
                "retracted": self.counts.get("retracted", 0)}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# runners whose semantics break "nothing lost": a run on them would publish a feed whose counts do not add up
REFUSED_RUNNERS = {
    "DaskRunner": "it drops the extra outputs of a multi-output ParDo, so excluded, quarantined and "
                  "dead-lettered records would vanish from the counts",
}


def beam_options(beam_args: list[str]) -> PipelineOptions:
    options = PipelineOptions(beam_args)
    if not options.view_as(StandardOptions).runner:
        options.view_as(StandardOptions).runner = DEFAULT_RUNNER
    # the driver opens the same object stores as the workers, with the same flags (--s3_endpoint_url, ...)
    FileSystems.set_options(options)
    return options


def refused_runner(options: PipelineOptions) -> str | None:
    name = str(options.view_as(StandardOptions).runner).rsplit(".", 1)[-1]
    why = REFUSED_RUNNERS.get(name)
    return f"--runner={name} is refused: {why}" if why else None


def preflight(request: RunRequest) -> Checked | RunResult:
    as_of = request.as_of or date.today()
    try:
        loaded = load_contract(request.contract)
        key = key_reference(loaded)
        audit_key = audit_key_reference(request.audit_key_file)
        # the driver checks both keys; only their references go into the pipeline
        audit = audit_key.load()
        if key is not None and key.load() == audit:
            return RunResult(exit_codes.USAGE, "the audit key is the recipient's pseudonymization key: the "
                                               "recipient could link its pseudonyms to the ledger; give the city "
                                               "its own audit key")
        signer = HeadSigner.from_file(request.signing_key) if request.signing_key else None
        engine = load_engine_config(request.engine_config).with_model(request.spacy_model)
        mapping = load_mapping(request.mapping) if request.mapping else None
    except (ContractError, EngineConfigError, MappingError, KeyUnavailable) as exc:
        return RunResult(exit_codes.USAGE, str(exc))
    contract = loaded.contract
    if request.changes_only and not request.incremental:
        return RunResult(exit_codes.USAGE, "--changes-only needs --incremental: a full release is a whole export")
    if request.incremental and not contract.shows_record_id:
        return RunResult(exit_codes.USAGE, f"contract {contract.id} {contract.version} shows no record id: the "
                                           "recipient could not tell an update from a new record, nor be told to "
                                           "delete one, so the feed cannot be incremental; run full releases")
    in_force, why = contract.in_force(as_of)
    if not in_force:
        return RunResult(exit_codes.NOT_IN_FORCE, f"contract {contract.id} {contract.version} is not in force on "
                                                  f"{as_of.isoformat()}: {why}; nothing was read or written")
    try:
        check_model(engine)
    except ModelUnavailable as exc:
        return RunResult(exit_codes.MODEL, str(exc))
    try:
        if not (mapping and mapping.mapping.format == "sql"):
            for path in (request.input,) if isinstance(request.input, str) else request.input:
                check_scheme(path, "--input")
    except LocationError as exc:
        return RunResult(exit_codes.USAGE, f"{exc}; nothing was read or written")
    try:
        inputs = tuple(resolve_inputs(request.input, mapping.mapping if mapping else None, request.updated_window))
    except InputError as exc:
        return RunResult(exit_codes.INPUT, str(exc))
    terms = run_terms(loaded, engine, key, audit)
    checked = Checked(loaded, key, audit_key, engine, as_of, inputs, mapping, signer, terms, request.allow_empty,
                      described(request.input))
    if checked.total == 0 and not checked.allow_empty:
        return RunResult(exit_codes.INPUT, _no_records(checked))
    return checked


def _records(total: int | None) -> str:
    return "records counted by the workers" if total is None else f"{total:,} records"


def _no_records(checked: Checked) -> str:
    return f"input {checked.shown_input}: no records; nothing was published (--allow-empty publishes an empty release)"


def run_terms(loaded: LoadedContract, engine: EngineConfig, key: KeyReference | None, audit: bytes) -> str:
    """What every feed line depends on besides its record: the contract, the engine and model, the
    tool, and the pseudonymization key (as a keyed hash of it, never the key)."""
    return terms_digest(loaded.sha256, engine.model_dump_json(exclude={"batch_size"}), version("feedshield"),
                        ledger_key(audit, "pseudonymization key:" + key.load().hex()) if key is not None else "")


def request_terms(request: RunRequest) -> str | None:
    """The terms a run of `request` would work under; None when they cannot be established (the run
    itself then says why)."""
    try:
        loaded = load_contract(request.contract)
        engine = load_engine_config(request.engine_config).with_model(request.spacy_model)
        return run_terms(loaded, engine, key_reference(loaded), audit_key_reference(request.audit_key_file).load())
    except (ContractError, EngineConfigError, KeyUnavailable):
        return None


SHIELD_STAGES = ("Read", "MapRows", "Parse", "FindRepeatedIds", "Exclude", "ApplyContract", "RedactFreeText", "Verify")


def _report_stage(step: str) -> str:
    """Beam's step names as the report groups them: the data's stages, writing, progress, the rest."""
    stage = logs.stage_of(step)
    if stage == "WriteRun":
        return "Write"
    if stage.startswith("Progress"):
        return "Progress"
    return stage if stage in SHIELD_STAGES else "other"


def _stage_ms(result) -> dict[str, int]:
    """Busy milliseconds per stage, from the runner's own execution-time metrics, where it reports them."""
    stages = {}
    try:
        counters = result.monitoring_metrics().query()["counters"]
    except Exception:  # a runner without system metrics: the report says so
        return stages
    for counter in counters:
        if counter.key.metric.name.endswith("ptransform_execution_time:total_msecs:v1"):
            stage = _report_stage(counter.key.step)
            stages[stage] = stages.get(stage, 0) + int(counter.committed or 0)
    return stages


def run_pipeline(plan: Plan, staging, options: PipelineOptions, total: int | None, every: float) -> Tallies:
    """`staging`: `plan.staging` as a `Path` or a `Url`, where the workers left their counts."""
    pipeline = beam.Pipeline(runner=runner_for(options), options=options)
    build(pipeline, plan)
    with logs.quiet_worker_output() as console, \
            ProgressWatcher(plan.staging, total, console, every, logs.logger()) as watcher:
        result = pipeline.run()
        watcher.result = result  # a remote runner's job is still running here, and serves its counters
        result.wait_until_finish()
    read = lambda name: json.loads(stored_files.read_text(staging / name))  # noqa: E731
    prefix = f"{staging}/"
    return Tallies(read(COUNTS_FILE), read(ENTITIES_FILE), read(REPEATS_FILE), read(REASONS_FILE), _stage_ms(result),
                   {"before": read(RISK_BEFORE_FILE), "after": read(RISK_AFTER_FILE)}, read(INPUTS_FILE),
                   {path[len(prefix):]: (sha256, lines) for path, sha256, lines in read(OUTPUTS_FILE)})


@dataclass(frozen=True)
class Verdict:
    """Whether what the pipeline made may be published, and the counts that say so."""
    status: str
    exit_code: int
    message: str
    counts: dict

    @property
    def ok(self) -> bool:
        return self.exit_code == exit_codes.OK


def account(checked: Checked, tallies: Tallies, out_dir: Path) -> Verdict:
    counts, total = tallies.counts, checked.total
    published = counts.get("published", 0)
    excluded = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("excluded:")}
    by_stage = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("quarantined:")}
    quarantined, dead = sum(by_stage.values()), counts.get("dead_lettered", 0)
    suppressed, unchanged = counts.get("suppressed:risk", 0), counts.get("unchanged", 0)
    disposed = published + unchanged + quarantined + dead + sum(excluded.values()) + suppressed
    risk = model_for(checked.loaded.contract)
    before = tallies.risk.get("before", {})
    risky = before.get("classes_below_k", 0) + (before.get("classes_below_l") or 0)
    share = quarantined / (published + quarantined) if published + quarantined else 0.0
    threshold = checked.loaded.contract.verification.quarantine_threshold
    repeats = tallies.repeats
    if total is None:
        status, code = "failed: inputs not proved", exit_codes.VERIFICATION
        message = "the workers did not prove every input file (digest and record count): nothing was published"
    elif disposed != total:
        status, code = "failed: counts do not add up", exit_codes.VERIFICATION
        message = f"{disposed} records accounted for, {total} read: nothing was published"
    elif not total and not checked.allow_empty:
        status, code, message = "failed: no records", exit_codes.INPUT, _no_records(checked)
    elif repeats:
        status, code = "failed: repeated record ids", exit_codes.INPUT
        where = lambda src: checked.inputs[src[0]].where(src[1])  # noqa: E731
        shown = "; ".join(f"{where(again)} repeats the record_id of {where(first)}" for first, again in repeats[:5])
        message = (f"input: {len(repeats)} record(s) repeat a record_id given earlier ({shown}"
                   f"{'; ...' if len(repeats) > 5 else ''}): which version is current cannot be told, "
                   "so nothing was published; fix the export and run again")
    elif total and dead / total > checked.loaded.contract.verification.dead_letter_threshold:
        status, code = "failed: dead letters", exit_codes.VERIFICATION
        limit = checked.loaded.contract.verification.dead_letter_threshold
        message = (f"{dead} of {total} input records are dead letters ({dead / total:.2%}, threshold {limit:.2%}): "
                   f"nothing was published; see the reasons in {out_dir / 'report.html'} and the rows in "
                   f"{out_dir / 'dead-letter'}, then fix the export or its mapping")
    elif risk.action == "fail" and risky:
        status, code = "failed: re-identification risk", exit_codes.VERIFICATION
        message = (f"{before['records_in_classes_below_k']} of {before['records']} records are in classes smaller than "
                   f"k={risk.k}" + (f", and {before['classes_below_l']} classes have fewer than l={risk.l} "
                                     f"distinct {risk.sensitive} values" if risk.l else "")
                   + f" over {', '.join(risk.quasi_identifiers)}: the contract's risk action is fail, so nothing "
                     "was published; see the risk section of the manifest, or `feedshield risk` on the feed")
    elif share > threshold:
        status, code = "failed: verification", exit_codes.VERIFICATION
        stages = ", ".join(f"{stage} {n}" for stage, n in sorted(by_stage.items()))
        message = (f"{quarantined} of {published + quarantined} records quarantined ({stages}; "
                   f"{share:.2%}, threshold {threshold:.2%}); nothing was published, see {out_dir / 'quarantine'}")
    else:
        status, code, message = "published", exit_codes.OK, f"published {published} records to {out_dir / 'feed'}"
    ok = code == exit_codes.OK
    return Verdict(status, code, message, {
        "input_records": total, "published": published if ok else 0, "verified_but_withheld": 0 if ok else published,
        "excluded": dict(sorted(excluded.items())), "quarantined": quarantined,
        "quarantined_by_stage": dict(sorted(by_stage.items())), "dead_lettered": dead,
        "suppressed_for_risk": suppressed, "unchanged": unchanged if ok else 0,
        "retracted": counts.get("retracted", 0) if ok else 0,
        "repeated_record_ids": len(repeats)})


def record_manifest(run_id: str, checked: Checked, tallies: Tallies, verdict: Verdict, staging: Path,
                    runner: str, started: str, feed: str, release: int | None, mode: str) -> dict:
    """What went to whom under which agreement, from which inputs: the run's record, written last."""
    contract = checked.loaded.contract
    listed = lambda name: [tallies.file_entry(f"{name}/{n}") for n in stored_files.files_under(staging / name)]  # noqa: E731
    return {
        "run_id": run_id,
        "status": verdict.status,
        "feed": feed,
        "release": release,
        "mode": mode,
        "tool": {"name": "feedshield", "version": version("feedshield")},
        "contract": {"id": contract.id, "version": contract.version, "recipient": contract.recipient,
                     "file": checked.loaded.path.name, "sha256": checked.loaded.sha256},
        "as_of": checked.as_of.isoformat(),
        "inputs": [{"path": f.path, "sha256": f.sha256, "records": f.records,
                    **({"updated": {"after": f.window.after, "latest": f.window.latest}} if f.window else {})}
                   for f in checked.inputs],
        "source": ({"mapping": checked.mapping.mapping.id, "version": checked.mapping.mapping.version,
                    "file": checked.mapping.path.name, "sha256": checked.mapping.sha256}
                   if checked.mapping else {"format": "jsonl"}),
        "outputs": {"feed": listed(FEED_DIR) if verdict.ok else [],
                    "retractions": [tallies.file_entry(f"{RETRACTIONS_DIR}/{shard_name(0, 1)}", RETRACTIONS)]
                                   if verdict.ok else [],
                    **{name: listed(name) for name in (QUARANTINE_DIR, DEAD_LETTER_DIR)}},
        "counts": verdict.counts,
        "entities_redacted": dict(sorted(tallies.entities.items())),
        "risk": {**model_for(contract).describe(), "gate": contract.risk is not None,
                 "generalized": tallies.counts.get("generalized:risk", 0),
                 "suppressed": tallies.counts.get("suppressed:risk", 0),
                 "held_from_earlier_releases": tallies.counts.get("held:risk", 0), **tallies.risk},
        "engine": {"spacy_model": checked.engine.spacy_model},
        "runner": runner,
        "started_at": started,
        "finished_at": _now(),
    }


# What a worker's own `setup` raises about its machine, and the exit code the driver's check gives it.
_WORKER_PROBLEMS = ((ModelUnavailable, exit_codes.MODEL, "a worker's environment is not ready"),
                    (KeyUnavailable, exit_codes.USAGE, "a worker cannot read a key"),
                    (InputError, exit_codes.INPUT, "a worker cannot read an input"),
                    (SqlUnreadable, exit_codes.INPUT, "a worker cannot read an input"))
_WHILE_RUNNING = re.compile(r"\s*\[while running '[^']*'\]")


def worker_environment_problem(exc: BaseException) -> tuple[str, int, str] | None:
    """A worker's own `check_model` or key message, as Beam re-raises it (the same type) or relays it
    in its error text, with its exit code: feedshield wrote it, and it names a model, a file or a
    variable, never a value."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        for kind, code, what in _WORKER_PROBLEMS:
            if isinstance(exc, kind):
                return _WHILE_RUNNING.sub("", str(exc)).strip(), code, what
            found = re.findall(rf"{kind.__name__}: ([^\n]+)", str(exc))
            if found:
                return _WHILE_RUNNING.sub("", found[-1]).strip(), code, what
        exc = exc.__cause__ or exc.__context__
    return None


def _failure(exc: BaseException, out_dir, log_dir: Path, run_id: str) -> RunResult:
    problem = worker_environment_problem(exc)
    if problem:
        message, code, what = problem
        logs.logger().error(what, extra={"run_id": run_id, "stage": "setup"})
        return RunResult(code, f"on a worker: {message}; nothing was published and the last release "
                               f"in {out_dir} stays current")
    step = logs.failed_step(exc)
    stage = logs.stage_of(step)
    log = logs.logger()
    log.error("pipeline failed", extra={"run_id": run_id, "stage": stage or "unknown"})
    for line in logs.value_free_traceback(exc):
        log.debug(line, extra={"run_id": run_id, "stage": stage or "unknown"})
    where = f" in {step}" if step else ""
    hint = STAGE_HINTS.get(stage, "see the traceback")
    return RunResult(exit_codes.FAILED,
                     f"pipeline failed{where} ({type(exc).__name__}); nothing was published and the last release "
                     f"in {out_dir} stays current. {hint}; the value-free traceback is in {log_dir / RUN_LOG}. "
                     "When fixed, run the same command again.")


def _disclosure_count(tallies: Tallies) -> int:
    return sum(lines for path, (_, lines) in tallies.written.items() if path.startswith(f"{DISCLOSURES_DIR}/"))


def _check_disclosures(verdict: Verdict, tallies: Tallies) -> Verdict:
    """Every published record must have its ledger entry, or the release would disclose unrecorded."""
    if not verdict.ok or _disclosure_count(tallies) == verdict.counts["published"]:
        return verdict
    counts = {**verdict.counts, "published": 0, "verified_but_withheld": verdict.counts["published"]}
    return Verdict("failed: counts do not add up", exit_codes.VERIFICATION,
                   "the ledger's disclosures and the feed's records differ in number: nothing was published", counts)


def changes_only_refusal(ledger: Ledger, feed: str, terms: str) -> str | None:
    """A changes-only input leaves every record it does not hold as the recipient holds it: right only
    when the recipient holds everything, made under the terms in force now."""
    committed = [r for r in ledger.releases(feed) if r.status == "committed"]
    if not committed:
        return "--changes-only needs a full release first: there is nothing yet that the changes apply to"
    last = committed[-1]
    if last.body.get("terms") != terms:
        return (f"the terms changed since release {last.number} (the contract, the engine, the tool or a key): "
                "what the recipient holds must be made again, so this release must read a full export; "
                "run without --changes-only")
    return None


def held_feed_files(folder: FeedFolder, ledger: Ledger, feed: str, contract, held: dict, incremental: bool
                    ) -> tuple[str, ...]:
    """The feed files the risk gate reads what the recipient holds from: where a feed shows record ids,
    those of the releases an increment may leave records in (a full release decides every record
    again, and retracts the rest); where it shows none, every committed release's, since nothing can
    be retracted."""
    if contract.shows_record_id:
        numbers = {h.release for h in held.values()} if incremental else set()
    else:
        numbers = {r.number for r in ledger.releases(feed) if r.status == "committed"}
    return tuple(str(feed / name) for n in sorted(numbers) for feed in (folder.release_dir(n) / FEED_DIR,)
                 for name in stored_files.files_under(feed) if name.endswith(".jsonl"))


def recipient_manifest(manifest: dict) -> dict:
    """What the recipient's copy of a release says of itself: which feed and release, under which
    terms, its files and their digests, how many records it sends and retracts; nothing of what the
    city withheld, or why (`releases.py`)."""
    contract = manifest["contract"]
    return {"feed": manifest["feed"], "release": manifest["release"], "mode": manifest["mode"],
            "contract": {k: contract[k] for k in ("id", "version", "recipient")}, "as_of": manifest["as_of"],
            "tool": manifest["tool"],
            "outputs": {k: manifest["outputs"][k] for k in ("feed", "retractions")},
            "counts": {"sent": manifest["counts"]["published"], "retracted": manifest["counts"]["retracted"]}}


def publish_release(publisher: Publisher, staging: Path, number: int, manifest: dict, report: str,
                    purpose: str, terms: str, held: dict) -> None:
    """The release folder (feed, retractions, the recipient's manifest) and the run's own record (its
    manifest and report, for withheld/NNNNNN) are made inside staging, then published in steps."""
    record = staging / RUN_RECORD
    stored_files.write_text(staging / RECIPIENT_MANIFEST, json.dumps(recipient_manifest(manifest), indent=2) + "\n")
    stored_files.write_text(record / REPORT, report)
    stored_files.write_text(record / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    # each file of the release by its name there, where it is staged: moved once, straight into place
    release = {f"{FEED_DIR}/{f['file']}": staging / FEED_DIR / f["file"] for f in manifest["outputs"]["feed"]}
    release |= {RETRACTIONS: staging / RETRACTIONS_DIR / shard_name(0, 1), MANIFEST: staging / RECIPIENT_MANIFEST}
    # the workers proved the files they wrote; the driver hashes only the manifest it wrote itself
    proved = {f"{FEED_DIR}/{f['file']}": f["sha256"] for f in manifest["outputs"]["feed"]}
    proved.update({f["file"]: f["sha256"] for f in manifest["outputs"]["retractions"]})
    files = {name: proved.get(name) or sha256_and_lines(str(where))[0] for name, where in sorted(release.items())}
    entry = publish.release_entry(manifest, number, purpose, files, terms)
    # retractions first, as the recipient applies them: a record retracted under its old recipient id
    # and sent under its new one is held after the release
    entries = itertools.chain((("retraction", r) for r in publish.read_entries(staging / LEDGER_RETRACTIONS_DIR)),
                              (("disclosure", d) for d in publish.read_entries(staging / DISCLOSURES_DIR)))
    publisher.publish(staging, release, number, entry, ((kind, completed(kind, body, held)) for kind, body in entries))


def open_feed(request: RunRequest) -> tuple[FeedFolder, Ledger, str] | RunResult:
    try:
        folder = feed_folder(request.output, request.state)
    except (LocationError, StateMissing) as exc:
        return RunResult(exit_codes.USAGE, f"{exc}; nothing was published")
    try:
        folder.prepare()
        feed = folder.feed_id()  # made once, never replaced: runs that start together share it
    except OSError as exc:
        why = "it is a file, not a folder" if isinstance(exc, (FileExistsError, NotADirectoryError)) else exc.strerror
        return RunResult(exit_codes.USAGE, f"output {request.output}: cannot be written ({why}); nothing was published")
    try:
        ledger = Ledger(request.ledger or default_url(folder.state))
    except LedgerError as exc:
        return RunResult(exit_codes.LEDGER, f"{exc}; nothing was read or published")
    return folder, ledger, feed


def execute(request: RunRequest, beam_args: list[str]) -> RunResult:
    started, clock = _now(), time.monotonic()
    options = beam_options(beam_args)
    refused = refused_runner(options)
    if refused:
        return RunResult(exit_codes.USAGE, refused)
    checked = preflight(request)
    if isinstance(checked, RunResult):
        return checked
    opened = open_feed(request)
    if isinstance(opened, RunResult):
        return opened
    folder, ledger, feed = opened
    phases = {"preflight": time.monotonic() - clock}
    run_id = uuid.uuid4().hex[:12]
    out_dir = folder.root
    log = logs.logger()
    wait = lambda: log.warning(f"another run is writing into {out_dir}: waiting for it to finish",  # noqa: E731
                               extra={"run_id": run_id, "stage": "lock"})
    try:
        with logs.run_log(folder.state / RUN_LOG), folder.locked(on_wait=wait):
            return _locked_run(request, checked, folder, ledger, feed, run_id, options, started, phases)
    finally:
        ledger.close()


def _locked_run(request, checked, folder, ledger, feed, run_id, options, started, phases) -> RunResult:
    out_dir, contract, log = folder.root, checked.loaded.contract, logs.logger()
    try:
        publish.repair(folder, ledger, feed, log, checked.signer)
    except (LedgerError, SQLAlchemyError, OSError) as exc:
        return RunResult(exit_codes.LEDGER, f"repairing {out_dir} after an interrupted run failed "
                                            f"({type(exc).__name__}); nothing was read or published")
    if request.changes_only:
        refused = changes_only_refusal(ledger, feed, checked.terms)
        if refused:
            return RunResult(exit_codes.USAGE, f"{refused}; nothing was read or published")
    staging = folder.make_staging(run_id, STAGING_DIRS)
    held = holdings(ledger, feed)
    write_holdings(held, staging / HOLDINGS_FILE)
    plan = Plan(inputs=checked.inputs, contract=contract, key=checked.key, engine=checked.engine,
                schema=record_schema(), staging=str(staging), feed_shards=request.feed_shards,
                mapping=checked.mapping.mapping if checked.mapping else None, audit_key=checked.audit_key,
                held_files=held_feed_files(folder, ledger, feed, contract, held, request.incremental),
                terms=checked.terms, incremental=request.incremental, changes_only=request.changes_only)
    serve_local_workers_on_loopback()
    log.info(f"run {run_id}: {contract.id} {contract.version} as of {checked.as_of.isoformat()}, "
             f"{_records(checked.total)} in {len(checked.inputs)} file(s)", extra={"run_id": run_id, "stage": "start"})
    clock = time.monotonic()
    try:
        tallies = run_pipeline(plan, staging, options, checked.total, request.progress_every)
    except Exception as exc:
        folder.remove_staging(staging)
        return _failure(exc, out_dir, folder.state, run_id)
    phases["pipeline"] = time.monotonic() - clock
    clock = time.monotonic()
    checked = replace(checked, inputs=proved(checked.inputs, tallies.proofs))
    verdict = _check_disclosures(account(checked, tallies, out_dir), tallies)
    number = publish.next_number(ledger, feed, folder) if verdict.ok else None
    manifest = record_manifest(run_id, checked, tallies, verdict, staging,
                               str(options.view_as(StandardOptions).runner), started, feed, number,
                               INCREMENT if request.incremental else FULL)
    phases["account"] = time.monotonic() - clock
    report = render_report(manifest, explain(contract, checked.as_of), tallies.reasons,
                           {"stages": tallies.stage_ms, "phases": phases})
    try:
        if verdict.ok:
            publish_release(Publisher(folder, ledger, feed, checked.signer), staging, number, manifest, report,
                            contract.description.purpose, checked.terms, held)
            where = folder.release_dir(number)
        else:
            where = folder.keep_failed(staging, run_id, {MANIFEST: json.dumps(manifest, indent=2) + "\n",
                                                         REPORT: report})
    except (OSError, LedgerError, SQLAlchemyError) as exc:
        folder.remove_staging(staging)
        log.error("publishing failed", extra={"run_id": run_id, "stage": "publish"})
        why = getattr(exc, "strerror", None) or str(exc) if not isinstance(exc, SQLAlchemyError) else "the ledger"
        return RunResult(exit_codes.FAILED, f"publishing into {out_dir} failed ({type(exc).__name__}: {why}); "
                                            "the last complete release stays current, and the next run finishes "
                                            "or removes this one. Free space or fix permissions in the output "
                                            "folder, then run the same command again.")
    folder.remove_staging(staging)
    log.info(f"run {run_id}: {verdict.status}", extra={"run_id": run_id, "stage": "finish",
                                                        "counts": verdict.counts, "exit_code": verdict.exit_code})
    message = verdict.message if not verdict.ok else f"published release {number} ({verdict.counts['published']} records) to {where}"
    return RunResult(verdict.exit_code, message, manifest, summary(manifest, folder, where, safe_url(ledger.url)), tallies.counts, where)


def summary(manifest: dict, folder: FeedFolder, where: Path, ledger: str) -> str:
    c = manifest["counts"]
    release = manifest["release"]
    lines = [f"feedshield run {manifest['run_id']}: {manifest['status']}"
             + (f", release {release}" if release else ""),
             f"  contract   {manifest['contract']['id']} {manifest['contract']['version']} "
             f"({manifest['contract']['recipient']}), as of {manifest['as_of']}",
             f"  input      {c['input_records']} records in {len(manifest['inputs'])} file(s)",
             f"  published  {c['published']}" + (f"  (verified but withheld: {c['verified_but_withheld']})" if c['verified_but_withheld'] else ""),
             f"  excluded   {sum(c['excluded'].values())}" + (
                 "  (" + ", ".join(f"{k} {v}" for k, v in c["excluded"].items()) + ")" if c["excluded"] else ""),
             f"  quarantined {c['quarantined']}   dead-lettered {c['dead_lettered']}"
             + (f"   suppressed for risk {c['suppressed_for_risk']}" if c.get('suppressed_for_risk') else "")]
    if manifest.get("mode") == INCREMENT or c.get("retracted"):
        lines.append(f"  changes    {c['published']} sent, {c.get('unchanged', 0)} unchanged (not sent), "
                     f"{c.get('retracted', 0)} retracted ({manifest.get('mode')} release)")
    if manifest["entities_redacted"]:
        top = sorted(manifest["entities_redacted"].items(), key=lambda kv: -kv[1])
        lines.append("  redacted   " + ", ".join(f"{k} {v}" for k, v in top))
    withheld = folder.withheld_dir(release) if release else where
    current = folder.current()
    lines.append(f"  feed       {where / FEED_DIR if release else '(none)'}"
                 + (f"; current is release {current}" if current and current != release else ""))
    city = f" ({folder.CITY_ONLY})"
    lines.append(f"  withheld   {withheld / QUARANTINE_DIR}, {withheld / DEAD_LETTER_DIR}{city}")
    lines.append(f"  manifest   {withheld / MANIFEST}{city}"
                 + (f"; the recipient's: {where / MANIFEST}" if release else ""))
    lines.append(f"  report     {withheld / REPORT}{city}")
    lines.append(f"  ledger     {ledger}")
    lines.append(f"  log        {folder.state / RUN_LOG} (owner-only)")
    return "\n".join(lines)


def command(args, beam_args: list[str]) -> int:
    result = execute(RunRequest.from_args(args), beam_args)
    return report_result(result)


def report_result(result: RunResult) -> int:
    """The summary on stdout, and a failure's message through the logger (stderr, and run.log)."""
    if result.summary:
        print(result.summary, flush=True)
    if result.exit_code != exit_codes.OK:
        logs.logger().error(result.message, extra={"exit_code": result.exit_code})
    return result.exit_code
