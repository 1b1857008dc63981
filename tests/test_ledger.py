"""The disclosure ledger: what it records, that it holds no personal values, that tampering shows,
and the records officer's questions, on SQLite and on a real PostgreSQL server."""
import json
import re
import shutil
import sqlite3

import pytest

from ledger.audit_key import ledger_key
from ledger.chain import GENESIS, first_broken, link
from pipelines import exit_codes
from pipelines.cli import main
from redaction_rules.contract_loader import CONTRACTS_DIR
from tests.browser import chromium_binary, render
from tests.conftest import AUDIT_KEY, two_exports

ICE = CONTRACTS_DIR / "ice-pars-2009.yaml"
RESEARCHERS = CONTRACTS_DIR / "researchers.yaml"
AS_OF = "2018-06-30"


def _run(records, out, *more) -> int:
    return main(["run", "--contract", str(ICE), "--input", str(records), "--output", str(out), "--as-of", AS_OF, *more])


def _records(path):
    return [json.loads(line) for line in path.open()]


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    return two_exports(tmp_path_factory.mktemp("ledger-exports"), (60, 31), (25, 32))


@pytest.fixture(scope="module")
def two_releases(exports, tmp_path_factory):
    out = tmp_path_factory.mktemp("ledger") / "feed"
    assert _run(exports[0], out) == exit_codes.OK
    assert _run(exports[1], out) == exit_codes.OK
    return out


def _published(out, number):
    feed = out / "releases" / f"{number:06d}" / "feed"
    return [json.loads(line) for p in sorted(feed.iterdir()) for line in p.open()]


def _ledger_cli(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["ledger", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- what it records ----------------------------------------------------------------------------------------------
def test_every_published_record_has_one_disclosure_entry_with_its_content_digest(two_releases):
    import hashlib
    from redaction_rules.feed_format import feed_line
    with sqlite3.connect(two_releases / "ledger.sqlite") as db:
        rows = db.execute("SELECT release, body FROM feedshield_entries WHERE kind = 'disclosure' ORDER BY seq").fetchall()
    for number in (1, 2):
        sent = _published(two_releases, number)
        bodies = [json.loads(body) for release, body in rows if release == number]
        assert [b["content_sha256"] for b in bodies] == [
            hashlib.sha256(feed_line(r).encode()).hexdigest() for r in sent]
        assert [b["visible_id"] for b in bodies] == [r["record_id"] for r in sent]
        assert all(b["categories"] == ["arrestee"] for b in bodies)  # ICE 2009 shows arrestees only


def test_the_release_entry_holds_the_terms_the_operator_and_every_files_digest(two_releases):
    with sqlite3.connect(two_releases / "ledger.sqlite") as db:
        (body,) = db.execute("SELECT body FROM feedshield_entries WHERE kind = 'release' AND release = 2").fetchone()
    entry = json.loads(body)
    manifest = json.loads((two_releases / "withheld" / "000002" / "manifest.json").read_text())
    assert entry["contract"] == manifest["contract"] and entry["contract"]["sha256"]
    assert entry["counts"] == manifest["counts"] and entry["as_of"] == AS_OF
    assert entry["purpose"].startswith("Arrest information")
    assert entry["operator"]["user"] and entry["operator"]["host"]
    assert set(entry["files"]) == {"manifest.json", "feed/part-00000-of-00001.jsonl", "retractions.jsonl"}
    assert entry["inputs"] == manifest["inputs"]


def test_the_ledger_holds_no_personal_value(two_releases, exports):
    with sqlite3.connect(two_releases / "ledger.sqlite") as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        dump = "\n".join(str(cell) for t in tables for row in db.execute(f"SELECT * FROM {t}") for cell in row)
    values = set()
    for record in _records(exports[0]) + _records(exports[1]):
        for person in record["persons"]:
            name = person.get("name") or {}
            address = person.get("address") or {}
            values |= {name.get("first"), name.get("last"), person.get("dob"), address.get("line1"),
                       person.get("phone"), person.get("email"), person.get("ssn"), person.get("state_id"),
                       person.get("fbi_number"), person.get("alien_number"), person.get("passport_number")}
        values |= {record.get("narrative"), record.get("incident_location"), record.get("otn")}
    values = {v for v in values if isinstance(v, str) and len(v) >= 4}
    assert values and not [v for v in values if v in dump]


# -- the records officer's questions ------------------------------------------------------------------------------
def test_releases_are_listed_one_line_each(two_releases, capsys):
    code, out, _ = _ledger_cli(capsys, "releases", str(two_releases))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3 and lines[1].startswith("000001   committed") and lines[2].startswith("000002   committed")
    assert "ice-pars-2009 2009.1" in lines[1]
    code, out, _ = _ledger_cli(capsys, "releases", str(two_releases), "--json")
    listed = [json.loads(line) for line in out.splitlines()]
    assert [r["release"] for r in listed] == [1, 2] and listed[0]["recipient"].startswith("U.S. Immigration")


def test_a_record_is_found_in_the_release_that_carried_it_and_a_withheld_one_in_none(two_releases, exports, capsys):
    sent = {r["record_id"] for r in _published(two_releases, 1)}
    records, later = _records(exports[0]), {r["record_id"] for r in _records(exports[1])}
    published = next(r for r in records if r["record_id"] in sent and r["record_id"] not in later)
    withheld = next(r for r in records if r["record_id"] not in sent)
    code, out, _ = _ledger_cli(capsys, "disclosures", str(two_releases), "--record-id", published["record_id"], "--json")
    row, gone = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and row["release"] == 1 and row["contract"] == "ice-pars-2009" and row["version"] == "2009.1"
    assert row["kind"] == "disclosure" and row["change"] == "new"
    assert "persons[].name.last" in row["fields"] and "persons[].immigration_status" not in row["fields"]
    # the next full export no longer holds it: release 2 retracted it, and the ledger says why
    assert (gone["release"], gone["kind"], gone["reason"], gone["previous_release"]) == (2, "retraction", "not in the export", 1)
    assert gone["visible_id"] == row["visible_id"]
    code, out, _ = _ledger_cli(capsys, "disclosures", str(two_releases), "--record-id", withheld["record_id"])
    assert code == 0 and "in no committed release" in out
    assert withheld["record_id"] not in out and published["record_id"] not in out.replace(row["visible_id"], "")


def test_a_person_is_found_by_record_and_person_id_or_by_state_id_and_a_victim_never(two_releases, exports, capsys):
    sent = {r["record_id"] for r in _published(two_releases, 1)}
    later = {r["record_id"] for r in _records(exports[1])}
    record = next(r for r in _records(exports[0]) if r["record_id"] in sent and r["record_id"] not in later
                  and any(p["role"] == "victim" for p in r["persons"]))
    arrestee = next(p for p in record["persons"] if p["role"] == "arrestee")
    victim = next(p for p in record["persons"] if p["role"] == "victim")
    ask = lambda who: _ledger_cli(capsys, "disclosures", str(two_releases), "--person-id", who, "--json")[1]  # noqa: E731
    found = [json.loads(line) for line in ask(f"{record['record_id']}/{arrestee['person_id']}").splitlines()]
    assert [(r["release"], r["kind"]) for r in found] == [(1, "disclosure"), (2, "retraction")]
    assert ask(f"{record['record_id']}/{victim['person_id']}") == ""
    for kind in ("state_id", "fbi_number"):
        if arrestee.get(kind):
            assert ask(arrestee[kind])
        if victim.get(kind):
            assert ask(victim[kind]) == ""


def test_another_audit_key_finds_nothing_and_no_key_is_a_usage_error(two_releases, exports, tmp_path, monkeypatch, capsys):
    record_id = _published(two_releases, 1)[0]["record_id"]
    other = tmp_path / "other.key"
    other.write_text("another-audit-key-of-the-city-0123")
    other.chmod(0o600)
    code, out, _ = _ledger_cli(capsys, "disclosures", str(two_releases), "--record-id", record_id,
                               "--audit-key-file", str(other))
    assert code == 0 and "in no committed release" in out
    monkeypatch.delenv("FEEDSHIELD_AUDIT_KEY")
    code, _, err = _ledger_cli(capsys, "disclosures", str(two_releases), "--record-id", record_id)
    assert code == exit_codes.USAGE and "FEEDSHIELD_AUDIT_KEY" in err


def test_a_run_without_an_audit_key_or_with_the_recipients_key_as_audit_key_is_refused(exports, tmp_path, monkeypatch):
    monkeypatch.delenv("FEEDSHIELD_AUDIT_KEY")
    assert _run(exports[0], tmp_path / "a") == exit_codes.USAGE
    assert not (tmp_path / "a").exists()
    monkeypatch.setenv("FEEDSHIELD_AUDIT_KEY", "same-key-for-both-0123456789")
    monkeypatch.setenv("FEEDSHIELD_KEY_RESEARCHERS", "same-key-for-both-0123456789")
    argv = ["run", "--contract", str(RESEARCHERS), "--input", str(exports[0]), "--output", str(tmp_path / "b"),
            "--as-of", "2026-06-01"]
    assert main(argv) == exit_codes.USAGE


def test_the_report_renders_in_chromium_with_the_ledgers_numbers_and_no_request(two_releases, tmp_path, capsys):
    page = tmp_path / "ledger.html"
    code, out, _ = _ledger_cli(capsys, "report", str(two_releases), "--html", str(page))
    assert code == 0
    dom, asked = render(chromium_binary(), page, tmp_path)
    assert asked == []
    published = len(_published(two_releases, 1)) + len(_published(two_releases, 2))
    totals = re.sub(r"<[^>]+>|\s+", " ", re.search(r'id="totals">(.*?)</p>', dom, re.S).group(1))
    assert f"2 committed releases, {published} record disclosures" in re.sub(r"\s+", " ", totals)
    assert "Contract versions in force" in dom and "ice-pars-2009" in dom and "<svg" in dom
    assert "excluded: juvenile" in dom
    code, _, _ = _ledger_cli(capsys, "report", str(two_releases), "--html", str(page), "--to", "2000-01-01")
    assert "0</strong> committed releases" in page.read_text()


# -- tampering ----------------------------------------------------------------------------------------------------
def _tampered(two_releases, tmp_path, sql: list[str]):
    out = tmp_path / "feed"
    shutil.copytree(two_releases, out, symlinks=True)
    with sqlite3.connect(out / "ledger.sqlite") as db:
        for statement in sql:
            db.execute(statement)
    return out


def _last_seq(out) -> int:
    with sqlite3.connect(out / "ledger.sqlite") as db:
        return db.execute("SELECT max(seq) FROM feedshield_entries").fetchone()[0]


TAMPERING = {
    "an edited row": (["UPDATE feedshield_entries SET body = replace(body, 'arrestee', 'victim') WHERE seq = 5"],
                      "entry 5 (disclosure, release 1): its content does not match its hash: it was edited"),
    "a deleted row": (["DELETE FROM feedshield_entries WHERE seq = 7", "DELETE FROM feedshield_person_keys WHERE seq = 7"],
                      "entry 7: missing"),
    "reordered rows": (["UPDATE feedshield_entries SET seq = -1 WHERE seq = 5",
                        "UPDATE feedshield_entries SET seq = 5 WHERE seq = 6",
                        "UPDATE feedshield_entries SET seq = 6 WHERE seq = -1"],
                       "entry 5 (disclosure, release 1): does not follow entry 4"),
    "a person index row deleted": (["DELETE FROM feedshield_person_keys WHERE rowid = 3"], "person index"),
}


@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_tampering_with_the_ledger_is_found_and_named(kind, two_releases, tmp_path, capsys):
    sql, expected = TAMPERING[kind]
    out = _tampered(two_releases, tmp_path, sql)
    code, _, err = _ledger_cli(capsys, "verify", str(out))
    assert code == exit_codes.LEDGER and expected in err, err


def test_entries_deleted_from_the_end_are_found(two_releases, tmp_path, capsys):
    last = _last_seq(two_releases)
    out = _tampered(two_releases, tmp_path, [f"DELETE FROM feedshield_entries WHERE seq = {last}"])
    code, _, err = _ledger_cli(capsys, "verify", str(out))
    assert code == exit_codes.LEDGER and "entries at the end were deleted" in err
    # and with the head moved back too: release 2 is on disk, the ledger does not have it committed
    with sqlite3.connect(out / "ledger.sqlite") as db:
        seq, entry_hash = db.execute("SELECT seq, entry_hash FROM feedshield_entries ORDER BY seq DESC LIMIT 1").fetchone()
        db.execute("UPDATE feedshield_heads SET seq = ?, entry_hash = ?", (seq, entry_hash))
    code, _, err = _ledger_cli(capsys, "verify", str(out))
    assert code == exit_codes.LEDGER and "release 2: on disk but not committed" in err


def test_a_feed_file_changed_or_added_after_release_is_found(two_releases, tmp_path, capsys):
    out = _tampered(two_releases, tmp_path, [])
    part = out / "releases" / "000001" / "feed" / "part-00000-of-00001.jsonl"
    part.chmod(0o644)
    part.write_text(part.read_text().replace("arrestee", "victim", 1))
    (out / "releases" / "000002" / "feed" / "extra.jsonl").write_text("{}\n")
    code, _, err = _ledger_cli(capsys, "verify", str(out))
    assert code == exit_codes.LEDGER
    assert "release 1: feed/part-00000-of-00001.jsonl was changed after the release" in err
    assert "release 2: feed/extra.jsonl was added after the release" in err


def test_an_intact_ledger_verifies(two_releases, capsys):
    code, out, _ = _ledger_cli(capsys, "verify", str(two_releases))
    assert code == 0 and "intact" in out and "2 committed release(s)" in out


def test_the_chain_links_and_breaks_as_it_should():
    a = link("f", 1, "release", 1, {"x": 1}, GENESIS)
    b = link("f", 2, "commit", 1, {"y": 2}, a.entry_hash)
    assert first_broken([a, b], (2, b.entry_hash)) is None
    assert "does not follow" in first_broken([a, b._replace(prev_hash=GENESIS)], (2, b.entry_hash))
    assert "head" in first_broken([a], (2, b.entry_hash))
    assert first_broken([], None) is None


def test_ledger_keys_are_the_audit_keys_hmac():
    assert ledger_key(AUDIT_KEY.encode(), "PARS-1") != ledger_key(b"another key of sixteen", "PARS-1")
    assert len(ledger_key(AUDIT_KEY.encode(), "PARS-1")) == 64


# -- a shared PostgreSQL ledger -------------------------------------------------------------------------------------
def test_two_feed_folders_share_one_postgresql_ledger(postgres_url, exports, tmp_path, capsys):
    a, b = tmp_path / "host-a", tmp_path / "host-b"
    assert _run(exports[0], a, "--ledger", postgres_url) == exit_codes.OK
    assert _run(exports[1], b, "--ledger", postgres_url) == exit_codes.OK
    assert _run(exports[1], a, "--ledger", postgres_url) == exit_codes.OK
    assert not (a / "ledger.sqlite").exists()
    for folder, releases in ((a, 2), (b, 1)):
        code, out, _ = _ledger_cli(capsys, "verify", str(folder), "--ledger", postgres_url)
        assert code == 0 and f"{releases} committed release(s)" in out, out
    record_id = _published(b, 1)[0]["record_id"]
    code, out, _ = _ledger_cli(capsys, "disclosures", str(b), "--ledger", postgres_url, "--record-id", record_id,
                               "--json")
    assert code == 0 and [json.loads(line)["release"] for line in out.splitlines()] == [1]


def test_a_ledger_url_with_a_password_is_refused(exports, tmp_path):
    assert _run(exports[0], tmp_path / "out", "--ledger", "postgresql://u:secret@localhost/db") == exit_codes.LEDGER


# -- signed release heads -----------------------------------------------------------------------------------------
def _key_pair(tmp_path, name):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    key = Ed25519PrivateKey.generate()
    private, public = tmp_path / f"{name}.pem", tmp_path / f"{name}.pub"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    private.chmod(0o600)
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def _rewrite_chain(out):
    """What someone who can write the database could do: edit an entry and recompute every hash after it."""
    from ledger.chain import entry_hash
    with sqlite3.connect(out / "ledger.sqlite") as db:
        db.execute("UPDATE feedshield_entries SET body = replace(body, 'arrestee', 'victim') WHERE seq = 3")
        prev = GENESIS
        for feed, seq, kind, release, body in db.execute(
                "SELECT feed, seq, kind, release, body FROM feedshield_entries ORDER BY seq").fetchall():
            new = entry_hash(feed, seq, kind, release, body, prev)
            db.execute("UPDATE feedshield_entries SET prev_hash = ?, entry_hash = ? WHERE seq = ?", (prev, new, seq))
            prev = new
        db.execute("UPDATE feedshield_heads SET entry_hash = ?", (prev,))


def test_signed_heads_show_a_chain_rewritten_end_to_end(exports, tmp_path, capsys):
    private, public = _key_pair(tmp_path, "city")
    _, stranger = _key_pair(tmp_path, "stranger")
    out = tmp_path / "feed"
    assert _run(exports[0], out, "--signing-key", str(private)) == exit_codes.OK
    assert _run(exports[1], out, "--signing-key", str(private)) == exit_codes.OK
    code, text, _ = _ledger_cli(capsys, "verify", str(out), "--public-key", str(public))
    assert code == 0 and "2 signed by the key given" in text
    code, _, err = _ledger_cli(capsys, "verify", str(out), "--public-key", str(stranger))
    assert code == exit_codes.LEDGER and "release 1: commit: it is signed by another key" in err
    _rewrite_chain(out)
    code, _, err = _ledger_cli(capsys, "verify", str(out), "--public-key", str(public))
    assert code == exit_codes.LEDGER and "release 1: commit: its signature is of entry" in err
    assert "chain:" not in err  # the rewrite is consistent: only the signatures can tell


def test_unsigned_commits_fail_verification_against_a_public_key(two_releases, tmp_path, capsys):
    _, public = _key_pair(tmp_path, "city")
    code, _, err = _ledger_cli(capsys, "verify", str(two_releases), "--public-key", str(public))
    assert code == exit_codes.LEDGER and "release 1: commit: not signed" in err


def test_a_signing_key_others_can_read_is_refused(exports, tmp_path):
    private, _ = _key_pair(tmp_path, "city")
    private.chmod(0o644)
    assert _run(exports[0], tmp_path / "out", "--signing-key", str(private)) == exit_codes.USAGE
