"""`feedshield run`: one export under one contract, start to finish.

The order is the policy: the contract is loaded and must be in force before
any input is read; the model must be installed before the pipeline starts;
the counts must add up and the quarantine share stay under the contract's
threshold before the feed is moved into place; the manifest is written
last. Every way out has its own exit code (see `exit_codes.py`).
"""
import json
import sys
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from importlib.metadata import version
from pathlib import Path

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from pipelines import exit_codes
from pipelines.digests import sha256_and_lines
from pipelines.inputs import InputError, resolve_inputs
from pipelines.loopback import serve_local_workers_on_loopback
from pipelines.options import split_args
from pipelines.pipeline import COUNTS_FILE, ENTITIES_FILE, REPEATS_FILE, Plan, build
from pipelines import publish
from redaction_rules.contract_loader import ContractError, load_contract, load_key
from redaction_rules.engine import EngineConfigError, ModelUnavailable, check_model, load_engine_config
from redaction_rules.fields import record_schema

DEFAULT_RUNNER = "FnApiRunner"  # the DirectRunner would first try to download Prism


@dataclass
class RunResult:
    exit_code: int
    message: str
    manifest: dict | None = None
    summary: str = ""
    counts: dict = field(default_factory=dict)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _file_entry(path: Path) -> dict:
    sha256, lines = sha256_and_lines(str(path))
    return {"file": path.name, "sha256": sha256, "records": lines}


def beam_options(beam_args: list[str]) -> PipelineOptions:
    options = PipelineOptions(beam_args)
    if not options.view_as(StandardOptions).runner:
        options.view_as(StandardOptions).runner = DEFAULT_RUNNER
    return options


def execute(own, beam_args: list[str]) -> RunResult:
    started = _now()
    as_of = own.as_of or date.today()
    try:
        loaded = load_contract(own.contract)
        key = load_key(loaded)
        engine = load_engine_config(own.engine_config).with_model(own.spacy_model)
    except (ContractError, EngineConfigError) as exc:
        return RunResult(exit_codes.USAGE, str(exc))
    contract = loaded.contract
    in_force, why = contract.in_force(as_of)
    if not in_force:
        return RunResult(exit_codes.NOT_IN_FORCE,
                         f"contract {contract.id} {contract.version} is not in force on {as_of.isoformat()}: {why}; nothing was read or written")
    try:
        check_model(engine)
    except ModelUnavailable as exc:
        return RunResult(exit_codes.MODEL, str(exc))
    try:
        inputs = resolve_inputs(own.input)
    except InputError as exc:
        return RunResult(exit_codes.INPUT, str(exc))
    if not sum(f.records for f in inputs) and not own.allow_empty:
        return RunResult(exit_codes.INPUT, f"input {own.input}: no records; nothing was published "
                                           "(--allow-empty publishes an empty feed in place of the last one)")

    run_id = uuid.uuid4().hex[:12]
    out_dir = Path(own.output)
    try:
        staging = publish.make_staging(out_dir, run_id)
    except OSError as exc:
        why = "it is a file, not a folder" if isinstance(exc, (FileExistsError, NotADirectoryError)) else exc.strerror
        return RunResult(exit_codes.USAGE, f"output {out_dir}: cannot be written ({why}); nothing was read")
    options = beam_options(beam_args)
    plan = Plan(inputs=tuple(inputs), contract=contract, key=key, engine=engine,
                schema=record_schema(), staging=str(staging), feed_shards=own.feed_shards)
    serve_local_workers_on_loopback()
    try:
        pipeline = beam.Pipeline(options=options)
        build(pipeline, plan)
        pipeline.run().wait_until_finish()
        counts = json.loads((staging / COUNTS_FILE).read_text())
        entities = json.loads((staging / ENTITIES_FILE).read_text())
        repeats = json.loads((staging / REPEATS_FILE).read_text())
    except Exception as exc:
        publish.remove_staging(staging)
        publish.withdraw_feed(out_dir)  # an older feed must not pass for this run's
        return RunResult(exit_codes.FAILED, f"pipeline failed ({type(exc).__name__}); nothing was published")

    total = sum(f.records for f in inputs)
    published = counts.get("published", 0)
    excluded = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("excluded:")}
    by_stage = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("quarantined:")}
    quarantined = sum(by_stage.values())
    disposed = published + quarantined + counts.get("dead_lettered", 0) + sum(excluded.values())
    share = quarantined / (published + quarantined) if published + quarantined else 0.0
    threshold = contract.verification.quarantine_threshold
    if disposed != total:
        status, code = "failed: counts do not add up", exit_codes.VERIFICATION
        message = f"{disposed} records accounted for, {total} read: nothing was published"
    elif repeats:
        status, code = "failed: repeated record ids", exit_codes.INPUT
        names = [Path(f.path).name for f in inputs]
        where = lambda src: f"line {src[1]} of file {names[src[0]]}"  # noqa: E731
        shown = "; ".join(f"{where(again)} repeats the record_id of {where(first)}" for first, again in repeats[:5])
        message = (f"input: {len(repeats)} record(s) repeat a record_id given earlier ({shown}"
                   f"{'; ...' if len(repeats) > 5 else ''}): which version is current cannot be told, "
                   "so nothing was published; fix the export and run again")
    elif share > threshold:
        status, code = "failed: verification", exit_codes.VERIFICATION
        stages = ", ".join(f"{stage} {n}" for stage, n in sorted(by_stage.items()))
        message = (f"{quarantined} of {published + quarantined} records quarantined ({stages}; "
                   f"{share:.2%}, threshold {threshold:.2%}); nothing was published, see {out_dir / 'quarantine'}")
    else:
        status, code, message = "published", exit_codes.OK, f"published {published} records to {out_dir / 'feed'}"

    feed_files = sorted((staging / "feed").iterdir())
    withheld = {name: [_file_entry(p) for p in sorted((staging / name).iterdir())]
                for name in ("quarantine", "dead-letter")}
    manifest = {
        "run_id": run_id,
        "status": status,
        "tool": {"name": "feedshield", "version": version("feedshield")},
        "contract": {"id": contract.id, "version": contract.version, "recipient": contract.recipient,
                     "file": loaded.path.name, "sha256": loaded.sha256},
        "as_of": as_of.isoformat(),
        "inputs": [{"path": f.path, "sha256": f.sha256, "records": f.records} for f in inputs],
        "outputs": {"feed": [_file_entry(p) for p in feed_files] if code == exit_codes.OK else [], **withheld},
        "counts": {"input_records": total, "published": published if code == exit_codes.OK else 0,
                   "verified_but_withheld": published if code != exit_codes.OK else 0,
                   "excluded": dict(sorted(excluded.items())), "quarantined": quarantined,
                   "quarantined_by_stage": dict(sorted(by_stage.items())),
                   "dead_lettered": counts.get("dead_lettered", 0), "repeated_record_ids": len(repeats)},
        "entities_redacted": dict(sorted(entities.items())),
        "engine": {"spacy_model": engine.spacy_model},
        "runner": str(options.view_as(StandardOptions).runner),
        "started_at": started,
        "finished_at": _now(),
    }
    try:
        publish.keep_withheld(staging, out_dir)
        if code == exit_codes.OK:
            publish.publish_feed(staging, out_dir)
        else:
            publish.withdraw_feed(out_dir)
        publish.write_manifest(staging, out_dir, json.dumps(manifest, indent=2) + "\n")
    except OSError as exc:
        publish.withdraw_feed(out_dir)
        publish.remove_staging(staging)
        return RunResult(exit_codes.FAILED, f"publishing into {out_dir} failed ({type(exc).__name__}: {exc.strerror}); "
                                            "the feed was withdrawn")
    publish.remove_staging(staging)
    return RunResult(code, message, manifest, summary(manifest, out_dir), counts)


def summary(manifest: dict, out_dir: Path) -> str:
    c = manifest["counts"]
    lines = [f"feedshield run {manifest['run_id']}: {manifest['status']}",
             f"  contract   {manifest['contract']['id']} {manifest['contract']['version']} "
             f"({manifest['contract']['recipient']}), as of {manifest['as_of']}",
             f"  input      {c['input_records']} records in {len(manifest['inputs'])} file(s)",
             f"  published  {c['published']}" + (f"  (verified but withheld: {c['verified_but_withheld']})" if c['verified_but_withheld'] else ""),
             f"  excluded   {sum(c['excluded'].values())}" + (
                 "  (" + ", ".join(f"{k} {v}" for k, v in c["excluded"].items()) + ")" if c["excluded"] else ""),
             f"  quarantined {c['quarantined']}   dead-lettered {c['dead_lettered']}"]
    if manifest["entities_redacted"]:
        top = sorted(manifest["entities_redacted"].items(), key=lambda kv: -kv[1])
        lines.append("  redacted   " + ", ".join(f"{k} {v}" for k, v in top))
    feed = out_dir / "feed"
    lines.append(f"  feed       {feed if manifest['outputs']['feed'] else '(none)'}")
    lines.append(f"  withheld   {out_dir / 'quarantine'}, {out_dir / 'dead-letter'} (owner-only)")
    lines.append(f"  manifest   {out_dir / 'manifest.json'}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    own, beam_args = split_args(argv)
    result = execute(own, beam_args)
    if result.summary:
        print(result.summary)
    if result.exit_code != exit_codes.OK:
        print(f"feedshield: {result.message}", file=sys.stderr)
    return result.exit_code
