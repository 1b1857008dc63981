"""Databases as sources: the PARS-like layout in SQLite and in a real PostgreSQL server, read
through redaction_rules/sources/pars-sql.yaml, give the feed the same records give as JSON Lines."""
import hashlib
import json
import sqlite3
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.pvalue import TaggedOutput
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

import fixtures
from fixtures.pars_sql import write_pars_sql
from pipelines import exit_codes
from pipelines.cli import main
from pipelines.inputs import resolve_inputs
from pipelines.read_sql import KEYS_PER_CHUNK, ReadSqlChunk, SqlRowReader, SqlUnreadable, chained_digest, scan_sql
from pipelines.run import worker_environment_problem
from pipelines.scan_inputs import PROOFS, ReadInputs, SqlLayout
from redaction_rules.contract_loader import CONTRACTS_DIR
from redaction_rules.source_mapping import SOURCES_DIR, load_mapping
from tests.conftest import tolerant_contract
from tests.run_folders import feed_dir, read_manifest, withheld

PARS = SOURCES_DIR / "pars-sql.yaml"
ICE = CONTRACTS_DIR / "ice-pars-2009.yaml"
COUNT, SEED, AS_OF = 120, 41, "2018-06-30"
# lists the layout has no table for
NOT_IN_LAYOUT = ("aliases", "court_events")


def _run(contract: Path, source: str, out: Path, *mapping: str) -> int:
    return main(["run", "--contract", str(contract), "--input", source, "--output", str(out), "--as-of", AS_OF,
                 *mapping])


def _normalized(value):
    """Nulls, empty objects and empty lists dropped: the layout writes a missing address as columns of nulls."""
    if isinstance(value, dict):
        items = {k: _normalized(v) for k, v in value.items()}
        return {k: v for k, v in items.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    return value


def _feed(out: Path) -> list:
    return [_normalized(json.loads(line)) for p in sorted(feed_dir(out).iterdir()) for line in p.open()]


@pytest.fixture(scope="module")
def jsonl_run(tmp_path_factory):
    """The same records as the spec's JSON Lines, without what the layout cannot hold, as the reference."""
    folder = tmp_path_factory.mktemp("jsonl")
    export = folder / "records.jsonl"
    with export.open("w", encoding="utf-8") as handle:
        for record, _ in fixtures.generate(COUNT, SEED):
            for person in record["persons"]:
                person.pop("aliases", None)
            record.pop("court_events", None)
            handle.write(json.dumps(record) + "\n")
    assert _run(ICE, str(export), folder / "out") == exit_codes.OK
    return folder / "out"


def _check_same_feed(url: str, out: Path, jsonl_out: Path) -> dict:
    assert _run(ICE, url, out, "--mapping", str(PARS)) == exit_codes.OK
    manifest = read_manifest(out)
    reference = read_manifest(jsonl_out)
    assert manifest["counts"] == reference["counts"] and manifest["counts"]["input_records"] == COUNT
    assert manifest["source"]["mapping"] == "pars-sql"
    feed = _feed(out)
    assert len(feed) > 50 and feed == _feed(jsonl_out)
    return manifest


def test_the_pars_layout_in_sqlite_gives_the_feed_of_the_same_records(tmp_path, jsonl_run, capsys):
    db = tmp_path / "pars.db"
    assert main(["fixtures", "--layout", "pars-sql", "--count", str(COUNT), "--seed", str(SEED),
                 "--out", f"sqlite:///{db}"]) == exit_codes.OK
    manifest = _check_same_feed(f"sqlite:///{db}", tmp_path / "out", jsonl_run)
    assert manifest["inputs"][0]["path"] == f"sqlite:///{db}" and len(manifest["inputs"][0]["sha256"]) == 64


def test_the_pars_layout_in_postgresql_gives_the_feed_of_the_same_records(postgres_url, tmp_path, jsonl_run):
    write_pars_sql(COUNT, SEED, postgres_url)
    _check_same_feed(postgres_url, tmp_path / "out", jsonl_run)


def test_records_spread_over_workers_by_key_range_read_alike(tmp_path, jsonl_run):
    db = tmp_path / "pars.db"
    write_pars_sql(COUNT, SEED, f"sqlite:///{db}")
    out = tmp_path / "out"
    assert main(["run", "--contract", str(ICE), "--input", f"sqlite:///{db}", "--output", str(out),
                 "--as-of", AS_OF, "--mapping", str(PARS),
                 "--direct_running_mode=multi_processing", "--direct_num_workers=2"]) == exit_codes.OK
    assert _feed(out) == _feed(jsonl_run)


@pytest.fixture
def small_db(tmp_path) -> Path:
    db = tmp_path / "pars.db"
    write_pars_sql(20, 3, f"sqlite:///{db}")
    return db


@pytest.mark.parametrize("damage,message", [
    ("DROP TABLE charges", "no table charges (the mapping's charges table)"),
    ("ALTER TABLE persons DROP COLUMN birth_city", "persons lacks the mapped column(s) birth_city"),
    ("UPDATE incidents SET arrest_datetime = 'yesterday' WHERE incident_id = 4",
     "a value of the record table is not of its column's declared type"),
    ("UPDATE persons SET dob = 'unknown' WHERE incident_id = 4",
     "a value of the persons table is not of its column's declared type"),
])
def test_a_database_that_cannot_be_read_as_mapped_stops_the_run_before_anything_is_written(
        small_db, tmp_path, capsys, damage, message):
    with sqlite3.connect(small_db) as connection:
        connection.execute(damage)
    out = tmp_path / "out"
    assert _run(ICE, f"sqlite:///{small_db}", out, "--mapping", str(PARS)) == exit_codes.INPUT
    assert message in capsys.readouterr().err
    assert not feed_dir(out).exists()


def test_a_key_that_repeats_in_the_record_table_stops_the_run(small_db, tmp_path, capsys):
    """A primary key cannot repeat, but a query's key can: two rows for one record cannot both be it."""
    mapping = tmp_path / "pars-query.yaml"
    mapping.write_text(PARS.read_text().replace(
        "record: {table: incidents}",
        'record: {query: "SELECT * FROM incidents UNION ALL SELECT * FROM incidents WHERE incident_id = 2"}'))
    assert _run(ICE, f"sqlite:///{small_db}", tmp_path / "out", "--mapping", str(mapping)) == exit_codes.INPUT
    assert "1 key(s) of the record table repeat: incident_id must name one record" in capsys.readouterr().err


def _range_digests(url: str, mapping, keys_per_chunk: int) -> list[str]:
    """Each key range's digest, read here as a worker reads it."""
    _, chunks, _ = scan_sql(0, url, mapping, keys_per_chunk=keys_per_chunk)
    reader, digests = SqlRowReader(), []
    for chunk in chunks:
        digest = hashlib.sha256()
        assert len(list(reader.rows(chunk, digest))) == chunk.rows
        digests.append(digest.hexdigest())
    reader.close()
    return digests


def _proof(out: Path) -> str:
    return read_manifest(out)["inputs"][0]["sha256"]


def test_a_database_is_proved_by_its_rows_as_the_workers_read_them(small_db, tmp_path):
    """The manifest's sha256 of a database chains the digests of its key ranges' rows in key order:
    the same on one worker or two, and a changed cell changes it."""
    url = f"sqlite:///{small_db}"
    mapping = load_mapping(str(PARS)).mapping
    one, two = tmp_path / "one", tmp_path / "two"
    assert _run(ICE, url, one, "--mapping", str(PARS)) == exit_codes.OK
    assert _run(ICE, url, two, "--mapping", str(PARS),
                "--direct_running_mode=multi_processing", "--direct_num_workers=2") == exit_codes.OK
    assert _proof(one) == _proof(two) == chained_digest(_range_digests(url, mapping, KEYS_PER_CHUNK))
    with sqlite3.connect(small_db) as connection:
        connection.execute("UPDATE incidents SET narrative = narrative || '.' WHERE incident_id = 7")
    changed = tmp_path / "changed"
    assert _run(ICE, url, changed, "--mapping", str(PARS)) == exit_codes.OK
    assert _proof(changed) != _proof(one)


def test_the_proof_chains_every_key_range_in_key_order_wherever_each_was_read(small_db, tmp_path, monkeypatch):
    url = f"sqlite:///{small_db}"
    mapping = load_mapping(str(PARS)).mapping
    monkeypatch.setattr(SqlLayout, "keys_per_chunk", 6)
    digests = _range_digests(url, mapping, 6)
    assert len(set(digests)) == 4
    inputs = resolve_inputs(url, mapping)
    with TestPipeline() as p:
        read = p | ReadInputs(tuple(inputs), str(tmp_path), mapping)
        assert_that(read[PROOFS], equal_to([(0, chained_digest(digests), 20, None)]), label="proofs")
        assert_that(read["elements"] | beam.Map(lambda row: row.src), equal_to([(0, n) for n in range(1, 21)]),
                    label="rows")


def test_a_key_range_that_changed_after_it_was_listed_fails_the_job_as_unreadable(small_db):
    url = f"sqlite:///{small_db}"
    _, chunks, _ = scan_sql(0, url, load_mapping(str(PARS)).mapping, keys_per_chunk=8)
    with sqlite3.connect(small_db) as connection:
        connection.execute("DELETE FROM incidents WHERE incident_id = (SELECT MAX(incident_id) FROM incidents)")
    reader = ReadSqlChunk()
    reader.setup()
    try:
        assert len([e for e in reader.process(chunks[0]) if not isinstance(e, TaggedOutput)]) == 8
        with pytest.raises(SqlUnreadable, match="database changed while it was read") as raised:
            list(reader.process(chunks[-1]))
    finally:
        reader.teardown()
    assert worker_environment_problem(raised.value)[1] == exit_codes.INPUT


def test_a_password_never_enters_the_pipeline(tmp_path, capsys):
    code = _run(ICE, "postgresql://clerk:hunter2secret@localhost/pars", tmp_path / "out", "--mapping", str(PARS))
    err = capsys.readouterr().err
    assert code == exit_codes.INPUT and "PGPASSWORD" in err and "hunter2secret" not in err


def test_a_row_the_mapping_cannot_read_is_a_dead_letter_naming_its_record_and_field(small_db, tmp_path, capsys):
    with sqlite3.connect(small_db) as connection:
        connection.execute("UPDATE persons SET role = 'bystander' WHERE incident_id = 4 AND person_seq = 1")
    out = tmp_path / "out"
    assert _run(tolerant_contract(ICE), f"sqlite:///{small_db}", out, "--mapping", str(PARS)) == exit_codes.OK
    dead = [json.loads(line) for line in (withheld(out, "dead-letter") / "part-00000-of-00001.jsonl").open()]
    assert len(dead) == 1 and dead[0]["src"] == [0, 4]
    assert dead[0]["reason"].startswith(f"record 4 of incidents in sqlite:///{small_db}: persons[0].role: ")
    assert "bystander" not in dead[0]["reason"] and "bystander" not in capsys.readouterr().err


def test_the_demo_runs_from_the_sqlite_layout(tmp_path):
    assert main(["demo", "--layout", "pars-sql", "--count", "60", "--out", str(tmp_path)]) == exit_codes.OK
    manifest = read_manifest(tmp_path / "run")
    assert manifest["status"] == "published" and manifest["source"]["mapping"] == "pars-sql"
    assert manifest["counts"]["input_records"] == 60


def test_source_check_reads_a_database_as_the_run_does(small_db, capsys):
    with sqlite3.connect(small_db) as connection:
        connection.execute("ALTER TABLE persons ADD COLUMN shoe_size TEXT")
    assert main(["source", "check", "--mapping", str(PARS), "--input", f"sqlite:///{small_db}", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["rows"] == 20 and result["unread_columns"] == {"incidents": [], "persons": ["shoe_size"],
                                                                 "charges": []}
    assert result["fields"]["persons.role"]["filled"] == result["fields"]["persons.person_id"]["filled"] > 20
    assert result["record_shape"]["flags"] == {"juvenile": "boolean", "sealed": "boolean", "expunged": "boolean"}
