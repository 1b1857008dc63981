"""A URL whose file system Beam lacks is a usage error, never a local folder named after its scheme."""
import pytest

import fixtures
from pipelines import exit_codes
from pipelines.cli import main
from pipelines.locations import LocationError, check_feed_folder, check_readable
from redaction_rules.contract_loader import CONTRACTS_DIR

ICE = CONTRACTS_DIR / "ice-pars-2009.yaml"


def _run(tmp_path, monkeypatch, capsys, export: str, out: str):
    monkeypatch.chdir(tmp_path)
    code = main(["run", "--contract", str(ICE), "--input", export, "--output", out, "--as-of", "2018-06-30"])
    return code, capsys.readouterr().err


def test_an_output_url_of_an_unregistered_scheme_is_refused_and_nothing_is_made(tmp_path, monkeypatch, capsys):
    fixtures.write(5, 1, tmp_path / "records.jsonl")
    code, err = _run(tmp_path, monkeypatch, capsys, str(tmp_path / "records.jsonl"), "nosuch://bucket/feed")
    assert code == exit_codes.USAGE
    assert "--output nosuch://...: no Beam file system is registered for the scheme nosuch://" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.jsonl"]


def test_an_input_url_of_an_unregistered_scheme_is_refused(tmp_path, monkeypatch, capsys):
    code, err = _run(tmp_path, monkeypatch, capsys, "nosuch://bucket/records-*.jsonl", str(tmp_path / "out"))
    assert code == exit_codes.USAGE
    assert "--input nosuch://...: no Beam file system is registered" in err
    assert not (tmp_path / "out").exists()


def test_object_store_schemes_name_the_extra_that_brings_them():
    from apache_beam.io.filesystems import FileSystems
    try:
        FileSystems.get_filesystem("s3://bucket/x")
    except ValueError:
        with pytest.raises(LocationError, match=r"install feedshield\[aws\]"):
            check_readable("s3://bucket/x", "--input")
    else:  # installed: readable, but no feed folder (no atomic rename, no lock)
        check_readable("s3://bucket/x", "--input")
        with pytest.raises(LocationError, match="local or mounted file system"):
            check_feed_folder("s3://bucket/feed")


def test_local_paths_pass(tmp_path):
    check_readable(str(tmp_path / "x.jsonl"), "--input")
    check_feed_folder(str(tmp_path / "feed"))
