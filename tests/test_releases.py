"""Releases are never overwritten, and each is published exactly once, whatever kills a run.

The kill tests run `feedshield run` in a subprocess killed with SIGKILL at
each step of publishing (`tests/kill_at.py`), then run again as an operator
would, and check what the recipient and the ledger hold.
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import threading

import pytest

from ledger.store import Ledger, default_url
from ledger.verify import verify
from pipelines import exit_codes
from pipelines.cli import main
from pipelines.releases import FeedFolder
from redaction_rules.contract_loader import CONTRACTS_DIR
from tests.conftest import REPO, two_exports
from tests.kill_at import POINTS
from tests.run_folders import last_run, read_manifest, release_files

ICE = CONTRACTS_DIR / "ice-pars-2009.yaml"
AS_OF = "2018-06-30"


def _argv(records, out, *more):
    return ["run", "--contract", str(ICE), "--input", str(records), "--output", str(out), "--as-of", AS_OF, *more]


def _cli(*argv, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *argv], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, **kwargs)


def _state(out):
    folder = FeedFolder(out)
    ledger = Ledger(default_url(out))
    try:
        feed = folder.feed_id()
        return {r.number: r.status for r in ledger.releases(feed)}, verify(ledger, feed, folder)
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    return two_exports(tmp_path_factory.mktemp("exports"), (40, 21), (30, 22))


@pytest.fixture(scope="module")
def one_release(exports, tmp_path_factory):
    """A feed folder with release 1 committed, copied by each test that needs one."""
    out = tmp_path_factory.mktemp("base") / "feed"
    assert main(_argv(exports[0], out)) == exit_codes.OK
    return out


def _copy(one_release, tmp_path):
    out = tmp_path / "feed"
    shutil.copytree(one_release, out, symlinks=True)
    return out


def test_a_second_run_is_a_new_release_and_the_first_is_never_changed(exports, one_release, tmp_path):
    out = _copy(one_release, tmp_path)
    first = release_files(out)
    assert main(_argv(exports[1], out)) == exit_codes.OK
    assert os.readlink(out / "current") == "releases/000002"
    assert {name: (out / "releases" / "000001" / name).read_bytes() for name in first} == first
    assert read_manifest(out)["release"] == 2 and read_manifest(out)["feed"] == (out / "feed-id").read_text().strip()
    statuses, checked = _state(out)
    assert statuses == {1: "committed", 2: "committed"} and checked.ok, checked.problems
    for part in ("quarantine", "dead-letter"):
        for n in ("000001", "000002"):
            assert stat.S_IMODE((out / "withheld" / n / part).stat().st_mode) == 0o700
    assert stat.S_IMODE((out / "ledger.sqlite").stat().st_mode) == 0o600


def test_a_failed_run_keeps_its_files_apart_and_the_last_release_current(exports, one_release, tmp_path):
    out = _copy(one_release, tmp_path)
    before = release_files(out)
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(exports[0].read_bytes() + b"not json\n" * 5)  # 5 dead letters in 45: over the 1% threshold
    assert main(_argv(bad, out)) == exit_codes.VERIFICATION
    assert release_files(out) == before and os.readlink(out / "current") == "releases/000001"
    failed = last_run(out)
    assert failed.parent.name == "failed" and stat.S_IMODE(failed.stat().st_mode) == 0o700
    assert {p.name for p in failed.iterdir()} == {"manifest.json", "report.html", "quarantine", "dead-letter"}
    statuses, checked = _state(out)
    assert statuses == {1: "committed"} and checked.ok


@pytest.mark.parametrize("point", sorted(POINTS))
def test_a_run_killed_at_any_step_leaves_no_release_or_a_complete_one_and_the_next_run_repairs(
        point, exports, one_release, tmp_path):
    out = _copy(one_release, tmp_path)
    before = release_files(out)
    killed = _cli("tests.kill_at", point, *_argv(exports[1], out))
    assert killed.returncode == -9, killed.stderr[-2000:]
    # What a recipient sees right after the kill: release 1, or release 2 complete, never a mix
    current = os.readlink(out / "current")
    if current == "releases/000001":
        assert release_files(out) == before
    else:
        assert current == "releases/000002" and point == "after-current"
        assert set(release_files(out)) == set(before)  # feed, manifest and report, all of them
    # The next run repairs what the kill left, then makes its own release
    again = _cli("pipelines.cli", *_argv(exports[1], out))
    assert again.returncode == 0, again.stderr[-2000:]
    statuses, checked = _state(out)
    assert checked.ok, checked.problems
    expected = {"before-pending": {1: "committed", 2: "committed"},
                "after-pending": {1: "committed", 2: "aborted", 3: "committed"},
                "between-withheld-and-release": {1: "committed", 2: "aborted", 3: "committed"},
                "after-release-folder": {1: "committed", 2: "committed", 3: "committed"},
                "after-current": {1: "committed", 2: "committed", 3: "committed"}}[point]
    assert statuses == expected
    newest = max(statuses)
    assert os.readlink(out / "current") == f"releases/{newest:06d}"
    assert sorted(p.name for p in (out / "releases").iterdir()) == [f"{n:06d}" for n, s in statuses.items()
                                                                    if s == "committed"]
    assert sorted(p.name for p in (out / "withheld").iterdir()) == [f"{n:06d}" for n, s in statuses.items()
                                                                    if s == "committed"]
    assert not list(out.glob(".staging-*")) and not list(out.glob(".current-*"))
    assert ("interrupted run" in again.stderr) == (point != "before-pending")


def test_two_runs_into_one_folder_at_once_take_turns(exports, tmp_path):
    out = tmp_path / "feed"
    results = {}

    def run(name, export):
        results[name] = _cli("pipelines.cli", *_argv(export, out))

    threads = [threading.Thread(target=run, args=(n, e)) for n, e in (("a", exports[0]), ("b", exports[1]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.returncode for r in results.values()] == [0, 0], [r.stderr[-1500:] for r in results.values()]
    statuses, checked = _state(out)
    assert statuses == {1: "committed", 2: "committed"} and checked.ok, checked.problems
    published = sorted(json.loads((out / "withheld" / f"{n:06d}" / "manifest.json").read_text())["inputs"][0]["path"]
                       for n in (1, 2))
    assert published == sorted(str(e) for e in exports)  # each run made its own release, none lost


def test_an_output_that_is_a_file_is_refused(exports, tmp_path):
    out = tmp_path / "file"
    out.write_text("x")
    assert main(_argv(exports[0], out)) == exit_codes.USAGE


def test_a_full_disk_while_publishing_leaves_the_last_release_and_the_next_run_cleans_up(
        exports, one_release, tmp_path, monkeypatch):
    import errno
    out = _copy(one_release, tmp_path)
    before = release_files(out)

    def full(self, staging, files, number):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(FeedFolder, "place_release", full)
        assert main(_argv(exports[1], out)) == exit_codes.FAILED
    assert release_files(out) == before and not list(out.glob(".staging-*"))
    assert _state(out)[0] == {1: "committed", 2: "pending"}  # recorded before anything could be seen
    assert main(_argv(exports[1], out)) == exit_codes.OK
    statuses, checked = _state(out)
    assert statuses == {1: "committed", 2: "aborted", 3: "committed"} and checked.ok, checked.problems


def test_runs_that_start_together_on_a_new_folder_name_one_feed(tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    folders = [FeedFolder(tmp_path / "new") for _ in range(16)]
    folders[0].prepare()
    with ThreadPoolExecutor(16) as pool:
        names = set(pool.map(lambda f: f.feed_id(), folders))
    assert len(names) == 1 and not list((tmp_path / "new").glob(".feed-id-*"))
