"""Secrets stay out of the pipeline: the key's reference travels, each worker reads the key itself."""
import base64
import bz2
import json
import zlib

import apache_beam as beam

import fixtures
from pipelines import exit_codes
from ledger.audit_key import audit_key_reference
from pipelines.cli import main
from pipelines.inputs import resolve_inputs
from pipelines.pipeline import Plan, build
from pipelines.run import beam_options
from redaction_rules.contract_loader import CONTRACTS_DIR, key_reference, load_contract
from redaction_rules.engine import load_engine_config
from redaction_rules.fields import record_schema
from tests.run_folders import feed_dir

RESEARCHERS = CONTRACTS_DIR / "researchers.yaml"
PICKLED_DOFN = "beam:dofn:pickled_python_info:v1"
KEY = "kX9-distinctive-pseudonymization-key-7Qz"
AUDIT = "aU7-distinctive-audit-key-of-the-city-3Wp"


def _pickled_steps(pipeline: beam.Pipeline) -> dict[str, bytes]:
    """Every ParDo's pickled DoFn as the runner receives it, unpacked from Beam's base64 and compression."""
    from apache_beam.portability import common_urns
    from apache_beam.portability.api import beam_runner_api_pb2
    proto = pipeline.to_runner_api()
    steps = {}
    for transform in proto.components.transforms.values():
        if transform.spec.urn == common_urns.primitives.PAR_DO.urn:
            payload = beam_runner_api_pb2.ParDoPayload.FromString(transform.spec.payload)
            raw = payload.do_fn.payload
            if payload.do_fn.urn == PICKLED_DOFN:  # Beam's pickler: base64 of bz2 (of zlib when asked)
                packed = base64.b64decode(raw)
                raw = bz2.decompress(packed) if packed[:3] == b"BZh" else zlib.decompress(packed)
            steps[transform.unique_name] = raw
    return steps


def test_no_pickled_step_of_the_submitted_pipeline_holds_a_key(tmp_path, monkeypatch):
    monkeypatch.setenv("FEEDSHIELD_KEY_RESEARCHERS", KEY)
    monkeypatch.setenv("FEEDSHIELD_AUDIT_KEY", AUDIT)
    export = tmp_path / "records.jsonl"
    fixtures.write(20, 3, export)
    loaded = load_contract(RESEARCHERS)
    pipeline = beam.Pipeline(options=beam_options(["--runner=FnApiRunner"]))
    build(pipeline, Plan(inputs=tuple(resolve_inputs(str(export))), contract=loaded.contract,
                         key=key_reference(loaded), engine=load_engine_config(), schema=record_schema(),
                         staging=str(tmp_path / "staging"), audit_key=audit_key_reference()))
    steps = _pickled_steps(pipeline)
    shaping = [name for name in steps if "/ShapeByContract/" in name]
    assert shaping and b"FEEDSHIELD_KEY_RESEARCHERS" in steps[shaping[0]]  # the reference is there: the check can see
    describing = [name for name in steps if name.endswith("/DescribeDisclosures") or "/DescribeDisclosures/" in name]
    assert describing and b"FEEDSHIELD_AUDIT_KEY" in steps[describing[0]]
    for name, pickled in steps.items():
        for secret in (KEY, AUDIT):
            assert secret.encode() not in pickled, name
            assert base64.b64encode(secret.encode())[:20] not in pickled, name


def test_a_run_pseudonymizes_with_the_key_the_workers_read(tmp_path, monkeypatch):
    monkeypatch.setenv("FEEDSHIELD_KEY_RESEARCHERS", KEY)
    monkeypatch.setenv("FEEDSHIELD_AUDIT_KEY", AUDIT)
    export = tmp_path / "records.jsonl"
    fixtures.write(30, 5, export)
    term = load_contract(RESEARCHERS).contract.term
    as_of = term.effective_from.isoformat()
    ungated = tmp_path / "researchers.yaml"  # 30 records are too few for the gate: it would suppress them all
    text = RESEARCHERS.read_text()
    ungated.write_text(text[:text.index("\nrisk:") + 1])
    argv = ["run", "--contract", str(ungated), "--input", str(export), "--as-of", as_of]
    assert main([*argv, "--output", str(tmp_path / "a")]) == exit_codes.OK
    feed = [json.loads(line) for p in sorted(feed_dir(tmp_path / "a").iterdir()) for line in p.open()]
    ids = {json.loads(line)["record_id"] for line in export.open()}
    assert feed and not ids & {r.get("record_id") for r in feed}  # pseudonymized
    for path in (tmp_path / "a").rglob("*"):  # the ledger and the log too
        if path.is_file():
            assert KEY.encode() not in path.read_bytes() and AUDIT.encode() not in path.read_bytes(), path
    monkeypatch.setenv("FEEDSHIELD_KEY_RESEARCHERS", KEY[::-1])
    assert main([*argv, "--output", str(tmp_path / "b")]) == exit_codes.OK
    other = [json.loads(line) for p in sorted(feed_dir(tmp_path / "b").iterdir()) for line in p.open()]
    assert [r.get("record_id") for r in other] != [r.get("record_id") for r in feed]  # the key is the workers'
