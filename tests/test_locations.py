"""A URL whose file system Beam lacks is a usage error, never a local folder named after its scheme."""
import pytest

import fixtures
from pipelines import exit_codes
from pipelines.cli import main
from pipelines.locations import LocationError, check_scheme
from pipelines.object_feed import ObjectFeedFolder, StateMissing, feed_folder
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
        FileSystems.get_filesystem("gs://bucket/x")
    except ValueError:
        with pytest.raises(LocationError, match=r"install feedshield\[gcp\]"):
            check_scheme("gs://bucket/x", "--input")
    else:
        check_scheme("gs://bucket/x", "--input")


def test_a_feed_folder_on_an_object_store_needs_a_state_folder_and_a_local_one_takes_none(tmp_path):
    pytest.importorskip("boto3", reason="the S3 file system comes with feedshield[aws]")
    with pytest.raises(StateMissing, match="needs --state DIR"):
        feed_folder("s3://bucket/feed")
    folder = feed_folder("s3://bucket/feed", str(tmp_path / "state"))
    assert isinstance(folder, ObjectFeedFolder) and str(folder.release_dir(2)) == "s3://bucket/feed/releases/000002"
    with pytest.raises(StateMissing, match="a local feed folder is its own state folder"):
        feed_folder(str(tmp_path / "feed"), str(tmp_path / "state"))


def test_local_paths_pass(tmp_path):
    check_scheme(str(tmp_path / "x.jsonl"), "--input")
    assert feed_folder(str(tmp_path / "feed")).root == tmp_path / "feed"
