"""An ongoing feed through the real pipeline: increments, updates, retractions, and the recipient's side.

Each test edits a synthetic export the way a city's database changes (a
charge added, a record sealed, a victim corrected, a row deleted, an
amended contract) and runs `feedshield run --incremental` on it, then
applies the releases as the recipient would (`feedshield apply-release`).
"""
import copy
import json
import shutil
from pathlib import Path

import pytest

import fixtures
from ledger.store import Ledger, default_url
from pipelines import exit_codes
from pipelines.apply_release import RecipientState
from pipelines.cli import main
from redaction_rules.contract_loader import CONTRACTS_DIR
from tests.run_folders import read_manifest

ICE_2008, ICE_2009 = CONTRACTS_DIR / "ice-pars-2008.yaml", CONTRACTS_DIR / "ice-pars-2009.yaml"
NO_BIRTHPLACE, OPEN_DATA = CONTRACTS_DIR / "ice-pars-2009-no-birthplace.yaml", CONTRACTS_DIR / "open-data.yaml"
AS_OF = {ICE_2008: "2009-01-15", ICE_2009: "2010-01-15", NO_BIRTHPLACE: "2010-01-15"}
RESEARCHERS_AS_OF = "2026-06-01"


def write(records: list[dict], path: Path) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def run(records, out: Path, contract=ICE_2009, *more) -> int:
    return main(["run", "--contract", str(contract), "--input", str(records), "--output", str(out),
                 "--as-of", AS_OF.get(contract, RESEARCHERS_AS_OF), *more])


def apply(out: Path, state: Path) -> RecipientState:
    assert main(["apply-release", str(out), "--into", str(state)]) == exit_codes.OK
    return RecipientState.load(state)


def release_dir(out: Path, number: int) -> Path:
    return out / "releases" / f"{number:06d}"


def retracted_ids(out: Path, number: int) -> list[str]:
    return [json.loads(line)["record_id"] for line in (release_dir(out, number) / "retractions.jsonl").read_text().splitlines()]


def sent_ids(out: Path, number: int) -> list[str]:
    return [json.loads(line)["record_id"] for p in sorted((release_dir(out, number) / "feed").glob("*.jsonl"))
            for line in p.read_text().splitlines()]


def ledger_entries(out: Path, kind: str, release: int) -> list[dict]:
    ledger = Ledger(default_url(out), create=False)
    try:
        feed = (out / "feed-id").read_text().strip()
        return [json.loads(e.body) for e in ledger.chain(feed) if e.kind == kind and e.release == release]
    finally:
        ledger.close()


def arrestee_of(record: dict) -> dict:
    return next(p for p in record["persons"] if p["role"] == "arrestee")


@pytest.fixture(scope="module")
def source():
    """30 records that the 2009 contract publishes, with victims beside their arrestee."""
    records = [r for r, _ in fixtures.generate(60, seed=77)
               if not any((r.get("flags") or {}).values()) and sum(p["role"] == "arrestee" for p in r["persons"]) == 1
               and any(p["role"] == "victim" for p in r["persons"])]
    assert len(records) >= 20
    return records[:20]


@pytest.fixture(scope="module")
def first_release(source, tmp_path_factory):
    out = tmp_path_factory.mktemp("feed") / "feed"
    assert run(write(source, out.parent / "full.jsonl"), out) == exit_codes.OK
    return out


@pytest.fixture
def feed(first_release, tmp_path):
    out = tmp_path / "feed"
    shutil.copytree(first_release, out, symlinks=True)
    return out


def test_an_increment_sends_what_changed_and_retracts_what_may_no_longer_be_disclosed(source, feed, tmp_path):
    state = tmp_path / "state"
    assert len(apply(feed, state).records) == 20
    edited = copy.deepcopy(source)
    edited[0]["charges"].append(dict(edited[0]["charges"][0], description="RECEIVING STOLEN PROPERTY"))
    edited[1]["flags"] = {"juvenile": False, "sealed": True, "expunged": False}
    edited[2]["flags"] = {"juvenile": False, "sealed": False, "expunged": True}
    deleted = edited.pop(3)
    edited.append(next(r for r, _ in fixtures.generate(80, seed=78) if not any((r.get("flags") or {}).values())
                       and sum(p["role"] == "arrestee" for p in r["persons"]) == 1))
    assert run(write(edited, tmp_path / "export.jsonl"), feed, ICE_2009, "--incremental") == exit_codes.OK
    manifest = read_manifest(feed)
    assert manifest["mode"] == "increment"
    assert manifest["counts"]["published"] == 2 and manifest["counts"]["unchanged"] == 16
    assert manifest["counts"]["retracted"] == 3
    assert sorted(sent_ids(feed, 2)) == sorted([edited[0]["record_id"], edited[-1]["record_id"]])
    assert sorted(retracted_ids(feed, 2)) == sorted([source[1]["record_id"], source[2]["record_id"], deleted["record_id"]])
    # the recipient gets ids alone; the reasons are the ledger's, and nothing in the release says how many
    # records were excluded, by which rule, or quarantined: the city's account of the run is its own
    public = {str(p.relative_to(release_dir(feed, 2))) for p in release_dir(feed, 2).rglob("*") if p.is_file()}
    assert public == {"feed/part-00000-of-00001.jsonl", "retractions.jsonl", "manifest.json"}
    recipients = json.loads((release_dir(feed, 2) / "manifest.json").read_text())
    assert recipients["counts"] == {"sent": 2, "retracted": 3}
    assert not {"excluded", "quarantine", "sealed", "expunged", "inputs"} & set(json.dumps(recipients).replace('"', " ").split())
    assert all(set(json.loads(line)) == {"record_id"}
               for line in (release_dir(feed, 2) / "retractions.jsonl").read_text().splitlines())
    assert "sealed" not in (release_dir(feed, 2) / "retractions.jsonl").read_text()
    reasons = sorted(e["reason"] for e in ledger_entries(feed, "retraction", 2))
    assert reasons == ["excluded by rule expunged", "excluded by rule sealed", "not in the export"]
    changes = sorted(e["change"] for e in ledger_entries(feed, "disclosure", 2))
    assert changes == ["new", "update"]
    held = apply(feed, state).records
    assert len(held) == 20 - 3 + 1
    assert f"id:{source[1]['record_id']}" not in held
    updated = json.loads(held[f"id:{edited[0]['record_id']}"])
    assert any(c.get("description") == "RECEIVING STOLEN PROPERTY" for c in updated["charges"])
    # the same export again: nothing to send
    assert run(write(edited, tmp_path / "export.jsonl"), feed, ICE_2009, "--incremental") == exit_codes.OK
    again = read_manifest(feed)
    assert (again["counts"]["published"], again["counts"]["retracted"], again["counts"]["unchanged"]) == (0, 0, 18)
    assert main(["ledger", "verify", str(feed)]) == exit_codes.OK


def test_a_victim_corrected_from_arrestee_is_withdrawn_from_the_recipient(source, feed, tmp_path, capsys):
    edited = copy.deepcopy(source)
    victim = next(p for p in edited[4]["persons"] if p["role"] == "victim")
    victim["role"] = "arrestee"  # mis-entered: the 2009 terms show arrestees
    assert run(write(edited, tmp_path / "wrong.jsonl"), feed, ICE_2009, "--incremental") == exit_codes.OK
    assert sent_ids(feed, 2) == [edited[4]["record_id"]]
    victim["role"] = "victim"  # corrected
    assert run(write(edited, tmp_path / "right.jsonl"), feed, ICE_2009, "--incremental") == exit_codes.OK
    (update,) = ledger_entries(feed, "disclosure", 3)
    assert update["change"] == "update" and update["persons_withdrawn"] == 1
    state = apply(feed, tmp_path / "state")
    shown = json.loads(state.records[f"id:{edited[4]['record_id']}"])
    assert [p["role"] for p in shown["persons"]] == ["arrestee"]
    capsys.readouterr()
    person = f"{edited[4]['record_id']}/{victim['person_id']}"
    assert main(["ledger", "disclosures", str(feed), "--person-id", person, "--json"]) == exit_codes.OK
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["release"], r["change"]) for r in rows] == [(2, "update")]


def test_an_amended_contract_withdraws_in_its_first_release_what_it_no_longer_allows(source, tmp_path, capsys):
    out, state = tmp_path / "feed", tmp_path / "state"
    export = write(source, tmp_path / "full.jsonl")
    assert run(export, out, ICE_2008) == exit_codes.OK
    held_2008 = apply(out, state).records
    assert any("immigration_status" in line for line in held_2008.values())
    capsys.readouterr()
    assert main(["contract", "diff", str(ICE_2008), str(ICE_2009), "--feed", str(out)]) == exit_codes.OK
    said = capsys.readouterr().out
    assert "its first release:" in said and "on this feed: 20 held records" in said
    assert run(export, out, ICE_2009, "--incremental") == exit_codes.OK
    manifest = read_manifest(out)
    assert manifest["counts"]["published"] == 20 and manifest["counts"]["unchanged"] == 0
    updates = ledger_entries(out, "disclosure", 2)
    assert {u["change"] for u in updates} == {"update"}
    assert all(u["persons_withdrawn"] >= 1 for u in updates)  # every record's victims
    assert any(f.endswith("immigration_status") for u in updates for f in u["fields_withdrawn"])
    held = apply(out, state).records
    assert set(held) == set(held_2008)
    assert not any('"victim"' in line for line in held.values())
    assert not any("immigration_status" in line for line in held.values())


def test_changes_only_leaves_what_it_does_not_hold_and_needs_a_full_release_under_the_same_terms(source, feed, tmp_path):
    edited = copy.deepcopy(source)
    arrestee_of(edited[5])["name"]["last"] = "Corrected"
    changed = write([edited[5]], tmp_path / "changes.jsonl")
    assert run(changed, feed, ICE_2009, "--incremental", "--changes-only") == exit_codes.OK
    manifest = read_manifest(feed)
    assert (manifest["counts"]["published"], manifest["counts"]["retracted"]) == (1, 0)
    state = apply(feed, tmp_path / "state")
    assert len(state.records) == 20
    assert json.loads(state.records[f"id:{edited[5]['record_id']}"])["persons"][0]["name"]["last"] == "Corrected"
    # other terms: what the recipient holds must be made again, from a full export
    assert run(changed, feed, NO_BIRTHPLACE, "--incremental", "--changes-only") == exit_codes.USAGE
    assert run(changed, tmp_path / "new-feed", ICE_2009, "--incremental", "--changes-only") == exit_codes.USAGE
    assert run(changed, feed, ICE_2009, "--changes-only") == exit_codes.USAGE


def test_a_feed_without_record_ids_cannot_be_incremental(source, tmp_path):
    assert run(write(source, tmp_path / "x.jsonl"), tmp_path / "open", OPEN_DATA, "--incremental") == exit_codes.USAGE
    assert not (tmp_path / "open" / "releases").exists()


def test_a_full_release_after_increments_is_a_whole_snapshot_that_still_retracts(source, feed, tmp_path):
    edited = copy.deepcopy(source)
    edited[6]["flags"] = {"juvenile": False, "sealed": True, "expunged": False}
    assert run(write(edited, tmp_path / "export.jsonl"), feed) == exit_codes.OK
    manifest = read_manifest(feed)
    assert manifest["mode"] == "full" and manifest["counts"]["published"] == 19
    assert retracted_ids(feed, 2) == [source[6]["record_id"]]
    assert {e["change"] for e in ledger_entries(feed, "disclosure", 2)} == {"resent"}
    assert len(apply(feed, tmp_path / "state").records) == 19


def test_apply_release_refuses_a_release_that_does_not_match_its_manifest_or_its_state(source, feed, tmp_path, capsys):
    state = tmp_path / "state"
    apply(feed, state)
    edited = copy.deepcopy(source)
    edited[7]["flags"] = {"juvenile": False, "sealed": True, "expunged": False}
    assert run(write(edited, tmp_path / "export.jsonl"), feed, ICE_2009, "--incremental") == exit_codes.OK
    copied = tmp_path / "copied"
    shutil.copytree(feed, copied, symlinks=True)
    retractions = release_dir(copied, 2) / "retractions.jsonl"
    retractions.chmod(0o644)
    retractions.write_text(json.dumps({"record_id": "PARS-NOT-HELD"}) + "\n")
    capsys.readouterr()
    assert main(["apply-release", str(copied), "--into", str(state)]) == exit_codes.VERIFICATION
    assert "retractions.jsonl does not match its manifest" in capsys.readouterr().err
    assert RecipientState.load(state).release == 1
    # a state that already applied release 2 elsewhere cannot apply it again from a renumbered copy
    assert len(apply(feed, state).records) == 19
    assert main(["apply-release", str(feed), "--into", str(state)]) == exit_codes.OK
    assert RecipientState.load(state).release == 2


def test_the_risk_gate_counts_what_an_increment_leaves_with_the_recipient(tmp_path, monkeypatch):
    import os
    from ledger.audit_key import ledger_key
    key = "increments-researchers-key-0123456789abcdef"
    monkeypatch.setenv("FEEDSHIELD_KEY_RESEARCHERS", key)
    # the researchers' gate at k=2 over fewer quasi-identifiers, so that a few hundred records pass it
    text = (CONTRACTS_DIR / "researchers.yaml").read_text()
    gate = text[text.index("risk:"):]
    gate_end = gate.index("\n\n") if "\n\n" in gate else len(gate)
    researchers = tmp_path / "researchers-k2.yaml"
    researchers.write_text(text.replace(gate[:gate_end], "risk:\n  quasi_identifiers: [persons.sex, district]\n  k: 2\n"
                                        "  action: suppress\n"))
    records = [r for r, _ in fixtures.generate(150, seed=79)]
    out = tmp_path / "feed"
    assert run(write(records, tmp_path / "day1.jsonl"), out, researchers) == exit_codes.OK
    first = read_manifest(out)
    published = {e["record"] for e in ledger_entries(out, "disclosure", 1)}
    audit = os.environ["FEEDSHIELD_AUDIT_KEY"].encode()
    edited = copy.deepcopy(records)
    changed = [r for r in edited if ledger_key(audit, r["record_id"]) in published][:2]
    assert len(changed) == 2
    for record in changed:
        record["charges"][0]["description"] = "AMENDED: " + record["charges"][0]["description"]
    assert run(write(edited, tmp_path / "day2.jsonl"), out, researchers, "--incremental") == exit_codes.OK
    second = read_manifest(out)
    held = second["risk"]["held_from_earlier_releases"]
    assert held == second["counts"]["unchanged"] == first["counts"]["published"] - 2
    # the classes are the recipient's whole holding: what stays, the two records decided again, and
    # the ones suppressed before, which nobody holds and which are decided again too
    assert second["risk"]["before"]["records"] == first["risk"]["before"]["records"] == held + 2 + first["counts"]["suppressed_for_risk"]
    assert second["risk"]["after"]["records"] == second["counts"]["published"] + held


def test_holdings_replay_the_committed_releases_and_a_snapshot_from_before_increments_replaces_all():
    from ledger.holdings import replay

    def disclosed(record):
        return {"record": record, "visible_id": record, "content_sha256": "0" * 64, "fields": [], "persons": [],
                "categories": []}
    entries = [("release", 1, {}), ("disclosure", 1, disclosed("a")), ("disclosure", 1, disclosed("b")),
               ("release", 2, {}), ("disclosure", 2, disclosed("c")),          # an older full release: a snapshot
               ("release", 3, {}), ("disclosure", 3, disclosed("x")),          # aborted: never seen
               ("release", 4, {}), ("retraction", 4, {"record": "c"}), ("disclosure", 4, disclosed("d"))]
    assert set(replay(entries, {1: None, 2: None, 4: "increment"})) == {"d"}
    assert set(replay(entries, {1: None, 4: "increment"})) == {"a", "b", "d"}
    assert replay(entries, {1: None, 2: None})["c"].release == 2
