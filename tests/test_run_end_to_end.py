"""`feedshield run` from the command line, scored against the fixture labels."""
import gzip
import json
import stat
from pathlib import Path

import pytest

import fixtures
from pipelines import exit_codes
from pipelines.cli import main
from redaction_rules.contract_loader import CONTRACTS_DIR, load_contract
from tests.conftest import tolerant_contract
from evaluation.scoring import score_feed
from tests.run_folders import feed_dir, last_run, read_manifest, release_files, withheld

ICE = CONTRACTS_DIR / "ice-pars-2009.yaml"
ICE_NB = CONTRACTS_DIR / "ice-pars-2009-no-birthplace.yaml"
IN_FORCE = "2017-06-01"


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    fixtures.write(250, 13, folder / "records.jsonl", folder / "labels.jsonl")
    labels = {json.loads(l)["record_id"]: json.loads(l)["labels"] for l in (folder / "labels.jsonl").read_text().splitlines()}
    inputs = {json.loads(l)["record_id"]: json.loads(l) for l in (folder / "records.jsonl").read_text().splitlines()}
    return folder / "records.jsonl", labels, inputs


def run(contract, input_path, out, *extra):
    return main(["run", "--contract", str(contract), "--input", str(input_path), "--output", str(out), *extra])


def feed(out: Path) -> list[dict]:
    return [json.loads(l) for p in sorted(feed_dir(out).iterdir()) for l in p.read_text().splitlines()]


def leaks(published, labels, inputs, visible_roles, stripped):
    """Labels that must not leave but are in the feed, as (record, path, category, role)."""
    contract = load_contract(ICE).contract.model_copy(update={"roles": sorted(visible_roles), "strip": sorted(stripped)})
    score = score_feed(contract, inputs, labels, published)
    assert score.protected.total > 1000
    return [(m.record_id, m.path, m.category, m.role) for m in score.misses]


def test_ice_2009_publishes_arrestees_and_nothing_it_must_not(export, tmp_path):
    records_path, labels, inputs = export
    out = tmp_path / "run"
    assert run(ICE, records_path, out, "--as-of", IN_FORCE) == exit_codes.OK
    manifest = read_manifest(out)
    counts = manifest["counts"]
    assert counts["input_records"] == 250
    assert counts["published"] + sum(counts["excluded"].values()) + counts["quarantined"] + counts["dead_lettered"] == 250
    published = feed(out)
    assert len(published) == counts["published"] > 200
    assert leaks(published, labels, inputs, {"arrestee"}, {"immigration_status"}) == []
    for record in published:
        record_labels = labels[record["record_id"]]
        names = {(p["name"]["first"], p["name"]["last"]) for p in record["persons"]}
        expected = {(l["text"]) for l in record_labels if l["role"] == "arrestee" and l["path"].endswith("name.last")}
        assert expected == {last for _, last in names}
        charges = {l["text"] for l in record_labels if l["category"] == "charge"}
        assert charges == {c["description"] for c in record["charges"]}
        assert all(p["role"] == "arrestee" for p in record["persons"])
    text = (last_run(out) / "manifest.json").read_text()
    for record in published[:20]:
        for p in record["persons"]:
            assert p["name"]["last"] not in text
    assert manifest["entities_redacted"]["VICTIM"] > 0
    assert stat.S_IMODE(withheld(out, "quarantine").stat().st_mode) == 0o700


def test_no_birthplace_contract_strips_birthplace_and_nationality(export, tmp_path):
    records_path, labels, inputs = export
    out = tmp_path / "run"
    assert run(ICE_NB, records_path, out, "--as-of", IN_FORCE) == exit_codes.OK
    published = feed(out)
    stripped = {"immigration_status", "place_of_birth", "nationality"}
    assert leaks(published, labels, inputs, {"arrestee"}, stripped) == []
    assert not any("place_of_birth" in p or "citizenship" in p for r in published for p in r["persons"])


def test_contract_not_in_force_exits_3_and_writes_nothing(export, tmp_path, capsys):
    records_path, _, _ = export
    out = tmp_path / "run"
    assert run(ICE, records_path, out, "--as-of", "2018-09-01") == exit_codes.NOT_IN_FORCE
    assert not out.exists()
    assert "terminated on 2018-08-31" in capsys.readouterr().err


def test_contract_typo_exits_2(export, tmp_path, capsys):
    records_path, _, _ = export
    bad = tmp_path / "typo.yaml"
    bad.write_text(ICE.read_text().replace("  persons.dob: keep", "  persons.dobb: keep"))
    assert run(bad, records_path, tmp_path / "run", "--as-of", IN_FORCE) == exit_codes.USAGE
    assert "unknown field 'persons.dobb'" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_missing_model_exits_6_without_fallback(export, tmp_path, capsys):
    records_path, _, _ = export
    assert run(ICE, records_path, tmp_path / "run", "--as-of", IN_FORCE,
               "--spacy-model", "en_core_web_not_installed") == exit_codes.MODEL
    assert "not installed" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_unreadable_input_exits_5(tmp_path):
    assert run(ICE, tmp_path / "nothing-*.jsonl", tmp_path / "run", "--as-of", IN_FORCE) == exit_codes.INPUT
    (tmp_path / "broken.jsonl.gz").write_bytes(b"not gzip at all")
    assert run(ICE, tmp_path / "broken.jsonl.gz", tmp_path / "run", "--as-of", IN_FORCE) == exit_codes.INPUT


def test_glob_gzip_and_dead_letters_add_up(tmp_path):
    rows = [json.dumps(r) for r, _ in fixtures.generate(30, seed=17)]
    (tmp_path / "a.jsonl").write_text("\n".join(rows[:15] + ["{not json", '{"record_id": 5}']) + "\n\n")
    with gzip.open(tmp_path / "b.jsonl.gz", "wt") as handle:
        handle.write("\n".join(rows[15:] + ["[]"]) + "\n")
    # 3 of 33 lines dead-lettered is over the 1% the contract allows by default
    assert run(ICE, tmp_path / "*.jsonl*", tmp_path / "strict", "--as-of", IN_FORCE) == exit_codes.VERIFICATION
    out = tmp_path / "run"
    assert run(tolerant_contract(ICE), tmp_path / "*.jsonl*", out, "--as-of", IN_FORCE) == exit_codes.OK
    manifest = read_manifest(out)
    c = manifest["counts"]
    assert c["input_records"] == 33 and c["dead_lettered"] == 3
    assert c["published"] + sum(c["excluded"].values()) + c["quarantined"] + c["dead_lettered"] == 33
    dead = [json.loads(l) for l in (withheld(out, "dead-letter") / "part-00000-of-00001.jsonl").read_text().splitlines()]
    assert sorted(d["reason"] for d in dead) == sorted([
        f"line 16 of file {tmp_path / 'a.jsonl'}: not JSON (column 2)",
        f"line 17 of file {tmp_path / 'a.jsonl'}: record: missing persons",
        f"line 16 of file {tmp_path / 'b.jsonl.gz'}: not a JSON object"])
    assert stat.S_IMODE((withheld(out, "dead-letter") / "part-00000-of-00001.jsonl").stat().st_mode) == 0o600
    assert [f["records"] for f in manifest["inputs"]] == [17, 16]


def test_failed_verification_exits_4_and_publishes_nothing(export, tmp_path):
    records_path, _, _ = export
    leaky = tmp_path / "leaky.yaml"
    # the incident location is often the victim's home: kept as-is, it leaks their address
    leaky.write_text(ICE.read_text().replace("  incident_location: {op: generalize, to: hundred_block}", "  incident_location: keep"))
    out = tmp_path / "run"
    assert run(ICE, records_path, out, "--as-of", IN_FORCE) == exit_codes.OK
    before = release_files(out)
    assert run(leaky, records_path, out, "--as-of", IN_FORCE) == exit_codes.VERIFICATION
    assert release_files(out) == before  # the last release stays current and intact
    assert last_run(out).parent == out / "failed" and stat.S_IMODE(last_run(out).stat().st_mode) == 0o700
    manifest = read_manifest(out)
    assert manifest["status"] == "failed: verification" and manifest["outputs"]["feed"] == []
    assert manifest["release"] is None
    quarantined = [json.loads(l) for l in (withheld(out, "quarantine") / "part-00000-of-00001.jsonl").read_text().splitlines()]
    assert quarantined and all("address" in " ".join(q["reasons"]) for q in quarantined)
    assert not list(out.glob(".staging-*"))


def test_same_feed_in_process_on_rerun_and_on_two_workers(export, tmp_path):
    records_path, _, _ = export
    assert run(ICE, records_path, tmp_path / "a", "--as-of", IN_FORCE, "--feed-shards", "3") == 0
    assert run(ICE, records_path, tmp_path / "b", "--as-of", IN_FORCE, "--feed-shards", "3") == 0
    assert run(ICE, records_path, tmp_path / "c", "--as-of", IN_FORCE, "--feed-shards", "3",
               "--direct_running_mode=multi_processing", "--direct_num_workers=2") == 0
    def digests(name):
        return [f["sha256"] for f in read_manifest(tmp_path / name)["outputs"]["feed"]]
    assert len(digests("a")) == 3
    assert digests("a") == digests("b") == digests("c")


def test_a_crashed_pipeline_publishes_nothing_and_the_last_release_stays_current(export, tmp_path, monkeypatch):
    import pipelines.run as run_module
    records_path, _, _ = export
    out = tmp_path / "run"
    assert run(ICE, records_path, out, "--as-of", IN_FORCE) == exit_codes.OK
    before = release_files(out)

    def crash(pipeline, plan):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(run_module, "build", crash)
    assert run(ICE, records_path, out, "--as-of", IN_FORCE) == 1
    assert release_files(out) == before and sorted(p.name for p in (out / "releases").iterdir()) == ["000001"]
    assert not list(out.glob(".staging-*"))
