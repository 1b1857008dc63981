"""The driver lists the spec's JSON Lines inputs; only the workers open them.

On a cluster the driver may not be able to read the exports at all, and reading them there twice
(a scan, a digest) was the driver's largest cost. Python's audit hook sees every file the process
opens, so the checks below catch a read however it is made.
"""
import gzip
import hashlib
import sys
from datetime import date

import apache_beam as beam

import fixtures
from pipelines.cli import main
from pipelines.options import RunRequest
from pipelines.pipeline import Plan, build
from pipelines.run import Checked, beam_options, preflight
from redaction_rules.contract_loader import CONTRACTS_DIR
from redaction_rules.engine import load_engine_config
from redaction_rules.fields import record_schema
from tests.run_folders import read_manifest

ICE = CONTRACTS_DIR / "ice-pars-2009.yaml"
_OPENED: list[str] = []
_RECORDING = [False]


def _hook(event, args):
    if _RECORDING[0] and event == "open" and args and isinstance(args[0], (str, bytes)):
        _OPENED.append(args[0] if isinstance(args[0], str) else args[0].decode(errors="replace"))


sys.addaudithook(_hook)  # hooks cannot be removed: it records only inside `_opened_during`


def _opened_during(action):
    _OPENED.clear()
    _RECORDING[0] = True
    try:
        result = action()
    finally:
        _RECORDING[0] = False
    return result, list(_OPENED)


def test_preflight_and_the_graph_open_no_input_file(tmp_path):
    exports = tmp_path / "exports"
    fixtures.write(30, 2, exports / "a.jsonl")
    fixtures.write(20, 3, exports / "b.jsonl")
    request = RunRequest(contract=str(ICE), input=str(exports / "*.jsonl"), output=str(tmp_path / "out"),
                         as_of=date(2018, 6, 30))
    checked, opened = _opened_during(lambda: preflight(request))
    assert isinstance(checked, Checked), checked
    assert checked.total is None  # not counted here: the workers count
    assert not [path for path in opened if path.startswith(str(exports))]
    plan = Plan(inputs=checked.inputs, contract=checked.loaded.contract, key=None, engine=load_engine_config(),
                schema=record_schema(), staging=str(tmp_path / "staging"))
    _, opened = _opened_during(lambda: build(beam.Pipeline(options=beam_options([])), plan))
    assert not [path for path in opened if path.startswith(str(exports))]


def test_the_workers_proof_is_the_files_digest_and_record_count(tmp_path, capsys):
    exports = tmp_path / "exports"
    fixtures.write(65, 4, tmp_path / "all.jsonl")
    lines = (tmp_path / "all.jsonl").read_bytes().splitlines(keepends=True)
    exports.mkdir()
    (exports / "a.jsonl").write_bytes(b"".join(lines[:40]))
    with gzip.open(exports / "b.jsonl.gz", "wb") as handle:  # blank lines are not records
        handle.write(b"\n" + b"".join(lines[40:]) + b"\n\n")
    out = tmp_path / "out"
    assert main(["run", "--contract", str(ICE), "--input", str(exports / "*"), "--output", str(out),
                 "--as-of", "2018-06-30"]) == 0, capsys.readouterr().err
    manifest = read_manifest(out)
    assert [(f["path"].rsplit("/", 1)[-1], f["records"], f["sha256"]) for f in manifest["inputs"]] == [
        ("a.jsonl", 40, hashlib.sha256((exports / "a.jsonl").read_bytes()).hexdigest()),
        ("b.jsonl.gz", 25, hashlib.sha256((exports / "b.jsonl.gz").read_bytes()).hexdigest())]
    assert manifest["counts"]["input_records"] == 65



def test_a_worker_proves_and_cuts_each_file_in_one_read(tmp_path):
    """The digest is taken from the bytes the scan reads: one open of each file, whatever its format."""
    import bz2
    from pipelines.scan_inputs import CsvLayout, FileLayout, prove_and_cut
    from redaction_rules.source_mapping import SOURCES_DIR, load_mapping
    fixtures.write(40, 4, tmp_path / "plain.jsonl")
    raw = (tmp_path / "plain.jsonl").read_bytes()
    (tmp_path / "zipped.jsonl.gz").write_bytes(gzip.compress(raw.replace(b"\n", b"\n\n", 3)))
    (tmp_path / "zipped.jsonl.bz2").write_bytes(bz2.compress(raw))
    nypd = load_mapping(SOURCES_DIR / "nypd-arrests.yaml").mapping
    csv = tmp_path / "arrests.csv"
    csv.write_text(",".join(nypd.columns) + "\n" + "".join(
        ",".join(f'"{n}\n{c}"' if c == nypd.columns[-1] else str(n) for c in nypd.columns) + "\n"
        for n in range(30)), encoding="utf-8")
    layouts = [(tmp_path / "plain.jsonl", FileLayout()), (tmp_path / "zipped.jsonl.gz", FileLayout()),
               (tmp_path / "zipped.jsonl.bz2", FileLayout()), (csv, CsvLayout(nypd))]
    for path, layout in layouts:
        (sha256, records, chunks, _), opened = _opened_during(lambda: prove_and_cut(layout, 0, str(path)))
        assert sha256 == hashlib.sha256(path.read_bytes()).hexdigest(), path.name
        assert records and chunks, path.name
        assert opened.count(str(path)) == 1, (path.name, opened)


def test_the_driver_reads_no_row_of_a_database_input(tmp_path):
    """The driver checks the catalogue; listing keys, digesting rows and reading them is the workers'."""
    import sqlalchemy as sa
    from fixtures.pars_sql import write_pars_sql
    from redaction_rules.source_mapping import SOURCES_DIR
    url = f"sqlite:///{tmp_path / 'pars.db'}"
    write_pars_sql(25, 5, url)
    statements = []

    def seen(conn, cursor, statement, *_):
        statements.append(" ".join(statement.split()).upper())
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", seen)
    try:
        request = RunRequest(contract=str(ICE), input=url, output=str(tmp_path / "out"), as_of=date(2018, 6, 30),
                             mapping=str(SOURCES_DIR / "pars-sql.yaml"))
        checked = preflight(request)
        assert isinstance(checked, Checked), checked
        plan = Plan(inputs=checked.inputs, contract=checked.loaded.contract, key=None, engine=load_engine_config(),
                    schema=record_schema(), staging=str(tmp_path / "staging"), mapping=checked.mapping.mapping)
        build(beam.Pipeline(options=beam_options([])), plan)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", seen)
    assert statements  # the catalogue was asked
    reads = [s for s in statements if s.startswith("SELECT") and "SQLITE_" not in s and "LIMIT 0" not in s]
    assert not reads, reads
    assert checked.total is None and checked.inputs[0].sha256 is None
