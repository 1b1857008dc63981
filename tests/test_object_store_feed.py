"""A feed folder on an object store: releases copied object by object, visible by their commit marker
and `current`, published exactly once whatever kills a run, and read back by the recipient.

The store is a real S3 server on loopback (moto's standalone server, in its own process), reached
through Beam's own S3 file system (`feedshield[aws]`) with `--s3_endpoint_url`, as a city's run
would reach its bucket; nothing in feedshield is replaced.
"""
import json
import os
import shutil
import subprocess
import sys
import uuid

import pytest

from pipelines import exit_codes
from pipelines.cli import main
from redaction_rules.contract_loader import CONTRACTS_DIR
from tests.conftest import REPO, two_exports
from tools.loopback import NotListening, free_port, wait_for_port

boto3 = pytest.importorskip("boto3", reason="the S3 file system comes with feedshield[aws] (pip install -e '.[test]')")
pytest.importorskip("moto.server", reason="the S3 server for these tests comes with moto[server] (the test extra)")

ICE = CONTRACTS_DIR / "ice-pars-2009.yaml"
AS_OF = "2018-06-30"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "feedshield-test", "AWS_SECRET_ACCESS_KEY": "feedshield-test",
               "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def endpoint():
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", "from moto.server import main; main()", "-H", "127.0.0.1",
                               "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, **CREDENTIALS})
    try:
        wait_for_port(port, server)
    except NotListening as e:
        server.kill()
        pytest.fail(f"the S3 server (moto) did not start on loopback: {e}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(autouse=True)
def credentials(monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)


def _s3(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **{
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"]})


def _bucket(endpoint) -> str:
    name = f"city-{uuid.uuid4().hex[:10]}"
    _s3(endpoint).create_bucket(Bucket=name)
    return name


def _keys(endpoint, bucket) -> dict[str, bytes]:
    client = _s3(endpoint)
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def _beam(endpoint) -> list[str]:
    return [f"--s3_endpoint_url={endpoint}", "--s3_region_name=us-east-1"]


def _run_argv(records, output, state, endpoint, *more):
    return ["run", "--contract", str(ICE), "--input", str(records), "--output", output, "--state", str(state),
            "--as-of", AS_OF, *more, *_beam(endpoint)]


def _cli(*argv) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *argv], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    return two_exports(tmp_path_factory.mktemp("exports"), (30, 31), (25, 32))


@pytest.fixture(scope="module")
def base(endpoint, exports, tmp_path_factory):
    """A bucket whose feed folder has release 1 committed, and its state folder; copied by each test."""
    os.environ.update(CREDENTIALS)  # the module fixture runs before the per-test credentials
    bucket, state = _bucket(endpoint), tmp_path_factory.mktemp("base-state") / "state"
    assert main(_run_argv(exports[0], f"s3://{bucket}/feed", state, endpoint)) == exit_codes.OK
    return bucket, state


def _copy(endpoint, base, tmp_path):
    bucket, state = base
    client, copy = _s3(endpoint), _bucket(endpoint)
    for key in _keys(endpoint, bucket):
        client.copy_object(Bucket=copy, Key=key, CopySource={"Bucket": bucket, "Key": key})
    shutil.copytree(state, tmp_path / "state")
    return copy, tmp_path / "state"


def test_releases_are_copied_then_marked_then_current_and_carry_the_bytes_a_local_feed_does(
        endpoint, exports, base, tmp_path, capsys):
    bucket, state = _copy(endpoint, base, tmp_path)
    assert main(_run_argv(exports[1], f"s3://{bucket}/feed", state, endpoint)) == exit_codes.OK
    objects = _keys(endpoint, bucket)
    assert objects["feed/current"] == b"releases/000002\n"
    assert objects["feed/last-run"] == b"withheld/000002\n"
    for number in (1, 2):
        marker = json.loads(objects[f"feed/releases/{number:06d}.committed"])
        files = sorted(k.split(f"feed/releases/{number:06d}/", 1)[1] for k in objects
                       if k.startswith(f"feed/releases/{number:06d}/"))
        assert marker == {"release": number, "files": files}
        assert {"manifest.json", "retractions.jsonl", "feed/part-00000-of-00001.jsonl"} == set(files)
    assert not [k for k in objects if "/.staging-" in k]
    # the city's own files stay on its side: the ledger and the run log are in the state folder
    assert sorted(p.name for p in state.iterdir() if not p.name.startswith(".")) == ["ledger.sqlite", "run.log"]

    # the same export into a local folder gives the same feed bytes
    local = tmp_path / "local"
    assert main(["run", "--contract", str(ICE), "--input", str(exports[0]), "--output", str(local),
                 "--as-of", AS_OF]) == exit_codes.OK
    assert objects["feed/releases/000001/feed/part-00000-of-00001.jsonl"] == \
        (local / "releases" / "000001" / "feed" / "part-00000-of-00001.jsonl").read_bytes()

    capsys.readouterr()
    assert main(["ledger", "verify", f"s3://{bucket}/feed", "--state", str(state), *_beam(endpoint)]) == exit_codes.OK
    assert "intact" in capsys.readouterr().out
    # the recipient applies both releases straight from the bucket
    assert main(["apply-release", f"s3://{bucket}/feed", "--into", str(tmp_path / "recipient"),
                 *_beam(endpoint)]) == exit_codes.OK
    held = (tmp_path / "recipient" / "state.jsonl").read_text().splitlines()
    assert json.loads(held[0])["release"] == 2 and len(held) > 1


@pytest.mark.parametrize("left", ["complete", "one object missing"])
def test_a_run_killed_before_its_marker_is_committed_or_aborted_by_the_next(endpoint, exports, base, tmp_path, left):
    bucket, state = _copy(endpoint, base, tmp_path)
    output = f"s3://{bucket}/feed"
    killed = _cli("tests.kill_at", "object-before-marker", *_run_argv(exports[1], output, state, endpoint))
    assert killed.returncode == -9, killed.stderr[-2000:]
    objects = _keys(endpoint, bucket)
    assert objects["feed/current"] == b"releases/000001\n" and "feed/releases/000002.committed" not in objects
    assert "feed/releases/000002/manifest.json" in objects  # copied, but not marked: no reader takes it
    if left == "one object missing":
        _s3(endpoint).delete_object(Bucket=bucket, Key="feed/releases/000002/retractions.jsonl")
    again = _cli("pipelines.cli", *_run_argv(exports[1], output, state, endpoint))
    assert again.returncode == 0, again.stderr[-2000:]
    assert "interrupted run" in again.stderr
    objects = _keys(endpoint, bucket)
    releases = sorted({k.split("/")[2] for k in objects if k.startswith("feed/releases/")})
    if left == "complete":
        assert releases == ["000001", "000001.committed", "000002", "000002.committed", "000003",
                            "000003.committed"]
    else:  # release 2 was removed, and the ledger records it as aborted
        assert releases == ["000001", "000001.committed", "000003", "000003.committed"]
        assert not [k for k in objects if k.startswith("feed/withheld/000002/")]
    assert objects["feed/current"] == b"releases/000003\n"
    verified = _cli("pipelines.cli", "ledger", "verify", output, "--state", str(state), *_beam(endpoint))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_release_without_its_marker_is_not_taken_and_verify_says_so(endpoint, base, tmp_path, capsys):
    bucket, state = _copy(endpoint, base, tmp_path)
    _s3(endpoint).delete_object(Bucket=bucket, Key="feed/releases/000001.committed")
    assert main(["apply-release", f"s3://{bucket}/feed", "--into", str(tmp_path / "recipient"),
                 *_beam(endpoint)]) == exit_codes.OK
    assert not (tmp_path / "recipient" / "state.jsonl").exists()
    capsys.readouterr()
    assert main(["ledger", "verify", f"s3://{bucket}/feed", "--state", str(state),
                 *_beam(endpoint)]) == exit_codes.LEDGER
    assert "release 1: its commit marker is missing" in capsys.readouterr().err


def test_a_feed_folder_on_an_object_store_without_a_state_folder_is_refused(endpoint, exports, capsys):
    bucket = _bucket(endpoint)
    code = main(["run", "--contract", str(ICE), "--input", str(exports[0]), "--output", f"s3://{bucket}/feed",
                 "--as-of", AS_OF, *_beam(endpoint)])
    assert code == exit_codes.USAGE
    assert "needs --state DIR" in capsys.readouterr().err
    assert _keys(endpoint, bucket) == {}
