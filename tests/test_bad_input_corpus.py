"""The bad-input corpus: no crash, no fail-open, nothing lost, no personal value where it must not be.

The 150 record cases run as one export, in-process and on two worker
processes (a subprocess, so that what it prints is what an operator
sees, and whose listening sockets are checked to be loopback only). Each
line is checked where it ended: its dead letter and reason, its exclusion
rule, or the feed. File, output, contract, engine and flag cases are each
a run of their own, most of them stopped before the pipeline is built.
"""
import contextlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from pipelines import exit_codes
from pipelines.cli import main
from redaction_rules.contract_loader import CONTRACTS_DIR
from tests.conftest import tolerant_contract
from tests.bad_input_corpus import DEAD, EXCLUDED, FILE_CASES, MARKERS, PUBLISHED, base, record_cases, record_export
from tests.run_folders import feed_dir, last_run, read_manifest, withheld

ICE_AS_SIGNED = CONTRACTS_DIR / "ice-pars-2009.yaml"
# The corpus is mostly dead letters on purpose: its runs take the contract with a dead-letter threshold of 100%
ICE = tolerant_contract(ICE_AS_SIGNED)
AS_OF = "2018-06-30"
REPO = Path(__file__).resolve().parent.parent
TWO_WORKERS = ["--direct_running_mode=multi_processing", "--direct_num_workers=2"]


def _strict_json(line: str):
    def refuse(name):
        raise ValueError(f"{name} in the feed")
    return json.loads(line, parse_constant=refuse)


def _run_in_process(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def _listening_sockets(pids: set[int]) -> set[str]:
    """Local addresses (hex, as /proc/net has them) of the TCP sockets these processes listen on."""
    inodes = set()
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
        except OSError:
            continue
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            parts = row.split()
            if parts[3] == "0A" and parts[9] in inodes:
                found.add(parts[1].rsplit(":", 1)[0])
    return found


def _process_tree(root: int) -> set[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


LOOPBACK = {"0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F"}


def _run_subprocess(argv: list[str]) -> tuple[int, str, str, set[str]]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", *argv], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    addresses, outputs = set(), {}
    with contextlib.ExitStack():
        import threading
        readers = [threading.Thread(target=lambda n, s: outputs.__setitem__(n, s.read()), args=(n, s), daemon=True)
                   for n, s in (("out", proc.stdout), ("err", proc.stderr))]
        for reader in readers:
            reader.start()
        deadline = time.monotonic() + 600
        while proc.poll() is None and time.monotonic() < deadline:
            addresses |= _listening_sockets(_process_tree(proc.pid))
            time.sleep(0.1)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for reader in readers:
            reader.join()
    return proc.returncode, outputs["out"].decode(), outputs["err"].decode(), addresses


# -- the record corpus ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    cases = record_cases()
    data, numbers = record_export(cases)
    path = tmp_path_factory.mktemp("corpus") / "export.jsonl"
    path.write_bytes(data)
    return cases, numbers, path


def _corpus_run(corpus, out: Path, two_workers: bool) -> dict:
    cases, numbers, path = corpus
    argv = ["run", "--contract", str(ICE), "--input", str(path), "--output", str(out), "--as-of", AS_OF]
    if two_workers:
        code, stdout, stderr, addresses = _run_subprocess(argv + TWO_WORKERS)
    else:
        (code, stdout, stderr), addresses = _run_in_process(argv), None
    return {"code": code, "stdout": stdout, "stderr": stderr, "out": out, "addresses": addresses,
            "cases": cases, "numbers": numbers, "path": path}


@pytest.fixture(scope="module")
def in_process_run(corpus, tmp_path_factory):
    return _corpus_run(corpus, tmp_path_factory.mktemp("run") / "out", two_workers=False)


@pytest.fixture(scope="module")
def two_worker_run(corpus, tmp_path_factory):
    return _corpus_run(corpus, tmp_path_factory.mktemp("run") / "out", two_workers=True)


@pytest.fixture(params=["in-process", "two workers"])
def corpus_run(request):
    return request.getfixturevalue("in_process_run" if request.param == "in-process" else "two_worker_run")


def test_the_corpus_is_what_the_issue_asks_for(corpus):
    cases, _, _ = corpus
    assert len(cases) >= 150
    kinds = Counter(c.outcome for c in cases)
    assert kinds[DEAD] >= 90 and kinds[PUBLISHED] >= 30 and kinds[EXCLUDED] >= 10
    assert len({c.name for c in cases}) == len(cases)


def test_the_corpus_run_publishes_without_a_traceback(corpus_run):
    assert corpus_run["code"] == exit_codes.OK, corpus_run["stderr"][-2000:]
    for text in (corpus_run["stdout"], corpus_run["stderr"]):
        assert "Traceback" not in text


def test_under_the_contract_as_signed_a_corpus_of_dead_letters_publishes_nothing(corpus, tmp_path):
    """More than 1% of the input dead-lettered means the export is wrong: exit 4, every record still counted."""
    _, _, path = corpus
    out = tmp_path / "out"
    code, _, stderr = _run_in_process(["run", "--contract", str(ICE_AS_SIGNED), "--input", str(path),
                                       "--output", str(out), "--as-of", AS_OF])
    manifest = read_manifest(out)
    assert code == exit_codes.VERIFICATION and "are dead letters" in stderr and "threshold 1.00%" in stderr
    assert manifest["status"] == "failed: dead letters" and manifest["outputs"]["feed"] == []
    assert not feed_dir(out).exists() or not any(feed_dir(out).iterdir())


def test_every_line_is_accounted_for_in_the_manifest(corpus_run):
    manifest = read_manifest(corpus_run["out"])
    counts, cases = manifest["counts"], corpus_run["cases"]
    assert counts["input_records"] == len(cases)
    assert (counts["published"] + sum(counts["excluded"].values()) + counts["quarantined"]
            + counts["dead_lettered"]) == len(cases)
    assert counts["quarantined"] == 0
    assert counts["dead_lettered"] == sum(c.outcome == DEAD for c in cases)
    assert counts["excluded"] == dict(Counter(c.reason for c in cases if c.outcome == EXCLUDED))
    assert counts["published"] == sum(c.outcome == PUBLISHED for c in cases)


def test_each_bad_line_is_a_dead_letter_at_its_line_with_its_reason(corpus_run):
    letters = [json.loads(l) for p in sorted(withheld(corpus_run["out"], "dead-letter").iterdir())
               for l in p.read_text().splitlines()]
    by_line = {}
    for letter in letters:
        assert letter["src"][1] not in by_line, "one dead letter a line"
        by_line[letter["src"][1]] = letter["reason"]
    expected = {n: c for n, c in zip(corpus_run["numbers"], corpus_run["cases"]) if c.outcome == DEAD}
    assert set(by_line) == set(expected)
    for number, case in expected.items():
        reason = by_line[number]
        assert reason.startswith(f"line {number} of file {corpus_run['path']}: "), (case.name, reason)
        assert case.reason in reason, (case.name, reason)
        assert not any(marker in reason for marker in MARKERS), (case.name, reason)
        assert not any(secret in reason for secret in case.secrets), case.name


def test_the_feed_holds_exactly_the_records_that_may_leave_as_valid_json(corpus_run):
    lines = [l for p in sorted(feed_dir(corpus_run["out"]).iterdir()) for l in p.read_text().splitlines()]
    published = [_strict_json(line) for line in lines]
    expected = {base(n)["record_id"] for n, c in enumerate(corpus_run["cases"], start=1) if c.outcome == PUBLISHED}
    assert {r["record_id"] for r in published} == expected
    for record in published:
        assert all(p["role"] == "arrestee" for p in record.get("persons") or [])


def test_no_personal_value_reaches_what_the_run_prints_its_manifest_or_its_feed(corpus_run):
    out = corpus_run["out"]
    visible = [corpus_run["stdout"], corpus_run["stderr"], (last_run(out) / "manifest.json").read_text()]
    visible += [p.read_text() for p in feed_dir(out).iterdir()]
    secrets = {s for c in corpus_run["cases"] for s in c.secrets}
    for text in visible:
        assert not any(marker in text for marker in MARKERS)
        assert not [s for s in secrets if s in text]


def test_withheld_records_are_owner_only(corpus_run):
    for name in ("dead-letter", "quarantine"):
        folder = withheld(corpus_run["out"], name)
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())


def test_two_workers_listen_on_loopback_only(corpus_run):
    if corpus_run["addresses"] is None:
        pytest.skip("in-process runs start no servers")
    assert corpus_run["addresses"], "the two-worker run was seen listening"
    assert corpus_run["addresses"] <= LOOPBACK, corpus_run["addresses"]


def test_the_same_feed_bytes_on_two_workers_as_in_process(in_process_run, two_worker_run):
    feeds = [[p.read_bytes() for p in sorted(feed_dir(run["out"]).iterdir())] for run in (in_process_run, two_worker_run)]
    assert feeds[0] == feeds[1] and feeds[0]


# -- whole files ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(FILE_CASES))
def test_file_cases(name, tmp_path):
    file_name, make, expected_code, records, dead = FILE_CASES[name]
    (tmp_path / file_name).write_bytes(make())
    out = tmp_path / "out"
    code, stdout, stderr = _run_in_process(["run", "--contract", str(ICE), "--input", str(tmp_path / file_name),
                                            "--output", str(out), "--as-of", AS_OF])
    assert code == expected_code, stderr
    assert "Traceback" not in stdout + stderr
    assert not any(marker in stdout + stderr for marker in MARKERS)
    if expected_code == exit_codes.INPUT and records is None:
        assert not out.exists() or not feed_dir(out).exists(), "nothing written for an unreadable input"
        return
    manifest = read_manifest(out)
    counts = manifest["counts"]
    if records is not None:
        assert counts["input_records"] == records
    if dead is not None:
        assert counts["dead_lettered"] == dead
    assert (counts["published"] + counts["verified_but_withheld"] + sum(counts["excluded"].values())
            + counts["quarantined"] + counts["dead_lettered"]) == counts["input_records"]
    if expected_code != exit_codes.OK:
        assert not feed_dir(out).exists() and counts["published"] == 0


def test_bare_cr_line_ends_are_explained_in_the_dead_letter(tmp_path):
    path = tmp_path / "cr.jsonl"
    path.write_bytes(FILE_CASES["bare CR line ends"][1]())
    out = tmp_path / "out"
    assert _run_in_process(["run", "--contract", str(ICE), "--input", str(path), "--output", str(out),
                            "--as-of", AS_OF])[0] == exit_codes.OK
    (letter,) = [json.loads(l) for p in withheld(out, "dead-letter").iterdir() for l in p.read_text().splitlines()]
    assert "lines must end in LF or CRLF, not CR alone" in letter["reason"]


def test_a_repeated_record_id_publishes_nothing_and_says_which_lines(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_bytes(FILE_CASES["a record_id given twice"][1]())
    out = tmp_path / "out"
    code, _, stderr = _run_in_process(["run", "--contract", str(ICE), "--input", str(path), "--output", str(out),
                                       "--as-of", AS_OF])
    assert code == exit_codes.INPUT
    assert f"line 4 of file {path} repeats the record_id of line 2 of file {path}" in stderr
    assert "CORPUS-" not in stderr


def test_an_empty_input_publishes_only_when_asked(tmp_path):
    (tmp_path / "e.jsonl").write_bytes(b"")
    out = tmp_path / "out"
    argv = ["run", "--contract", str(ICE), "--input", str(tmp_path / "e.jsonl"), "--output", str(out), "--as-of", AS_OF]
    code, _, stderr = _run_in_process(argv)
    assert code == exit_codes.INPUT and "--allow-empty" in stderr
    assert _run_in_process([*argv, "--allow-empty"])[0] == exit_codes.OK
    assert read_manifest(out)["counts"]["input_records"] == 0


# -- unwritable outputs -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_export(tmp_path_factory):
    path = tmp_path_factory.mktemp("small") / "export.jsonl"
    path.write_bytes(b"".join(json.dumps(base(n)).encode() + b"\n" for n in range(1, 4)))
    return path


@pytest.mark.parametrize("where", ["an existing file", "under a file", "under /proc", "under /sys"])
def test_an_output_that_cannot_be_written_is_a_usage_error(where, small_export, tmp_path):
    (tmp_path / "file").write_text("x")
    out = {"an existing file": tmp_path / "file", "under a file": tmp_path / "file" / "out",
           "under /proc": Path("/proc/self/feedshield-out"), "under /sys": Path("/sys/kernel/feedshield-out")}[where]
    code, stdout, stderr = _run_in_process(["run", "--contract", str(ICE), "--input", str(small_export),
                                            "--output", str(out), "--as-of", AS_OF])
    assert code == exit_codes.USAGE, stderr
    assert f"output {out}: cannot be written" in stderr and "Traceback" not in stdout + stderr


def test_a_read_only_output_is_a_usage_error(small_export, tmp_path):
    """As root a mode cannot make a folder read-only; a read-only file system in a mount namespace can."""
    ro = tmp_path / "ro"
    ro.mkdir()
    run = [sys.executable, "-m", "pipelines.cli", "run", "--contract", str(ICE), "--input", str(small_export),
           "--output", str(ro / "out"), "--as-of", AS_OF]
    if os.geteuid() == 0:
        if not shutil.which("unshare"):
            pytest.skip("unshare is not installed: no read-only file system can be made here")
        script = f"mount -t tmpfs -o ro tmpfs {ro} && exec \"$@\""
        command = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", *run]
    else:
        ro.chmod(0o555)
        command = run
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    if os.geteuid() == 0 and "unshare failed" in done.stderr:
        pytest.skip(f"no mount namespace here: {done.stderr.strip()}")
    assert done.returncode == exit_codes.USAGE, done.stderr
    assert "cannot be written (Read-only file system)" in done.stderr or "Permission denied" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


# -- contracts, engine files and flags -------------------------------------------------------------------
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi"))

CONTRACT_CASES = {
    # name: (old text, new text) in ice-pars-2009.yaml, or a whole file as new text with old None
    "billion laughs under an unknown key": (None, lambda t: t + "\nlaughs:\n" + "".join("  " + l + "\n" for l in BOMB.splitlines())),
    "an anchor and alias": ("roles: [arrestee]", "roles: &r [arrestee]\nstrip_again: *r"),
    "a merge key": ("verification:", "base: &b {quarantine_threshold: 0.5}\nverification:\n  <<: *b\nverification_old:"),
    "2,000 levels of nesting": (None, lambda t: t + "\ndeep: " + "[" * 2000 + "]" * 2000 + "\n"),
    "2,000 nested mappings": (None, lambda t: t + "\ndeep: " + "{a: " * 2000 + "1" + "}" * 2000 + "\n"),
    "a 2 MB file": (None, lambda t: t + "\n# " + "x" * (2 << 20) + "\n"),
    "quarantine_threshold: yes": ("quarantine_threshold: 0.0", "quarantine_threshold: yes"),
    "quarantine_threshold: true": ("quarantine_threshold: 0.0", "quarantine_threshold: true"),
    "quarantine_threshold as a string": ("quarantine_threshold: 0.0", 'quarantine_threshold: "0.5"'),
    "quarantine_threshold above 1": ("quarantine_threshold: 0.0", "quarantine_threshold: 1.5"),
    "keep_last: true": ("  persons.drivers_license: keep", "  persons.drivers_license: {op: mask, keep_last: true}"),
    "keep_last as a string": ("  persons.drivers_license: keep", '  persons.drivers_license: {op: mask, keep_last: "4"}'),
    "keep_last a fraction": ("  persons.drivers_license: keep", "  persons.drivers_license: {op: mask, keep_last: 4.5}"),
    "an unknown entity name": ("  entities:", "  entities:\n    VICTM: numbered"),
    "an entity in lower case": ("  entities:", "  entities:\n    victim: numbered"),
    "an unknown text operator": ("  entities:", "  entities:\n    VICTIM: blur"),
    "score_threshold as a word": ("free_text:", "free_text:\n  score_threshold: high"),
    "allow_unknown_age as a string": ("roles: [arrestee]", 'roles: [arrestee]\nallow_unknown_age: "yes"'),
    "allow_unknown_age: 1": ("roles: [arrestee]", "roles: [arrestee]\nallow_unknown_age: 1"),
    "version as a number": ('version: "2009.1"', "version: 2009.1"),
    "an unknown top-level key": ("roles: [arrestee]", "roles: [arrestee]\nrole_overrides: {victim: visible}"),
    "an unknown key in term": ("  expires_on: 2018-08-31", "  expires_in: 2018-08-31"),
    "a key given twice": ("roles: [arrestee]", "roles: [arrestee]\nroles: [arrestee, victim]"),
    "a date written US style": ("  expires_on: 2018-08-31", "  expires_on: 08/31/2018"),
    "roles empty": ("roles: [arrestee]", "roles: []"),
    "a role given twice": ("roles: [arrestee]", "roles: [arrestee, arrestee]"),
    "an unknown role": ("roles: [arrestee]", "roles: [arrestee, suspect]"),
    "an unknown stripped category": ("strip: [immigration_status]", "strip: [immigration]"),
    "an unknown field": ("  district: keep", "  distrct: keep"),
    "an unknown operator": ("  district: keep", "  district: shred"),
    "a stripped field allowed": ("  district: keep", "  district: keep\n  persons.immigration_status: keep"),
    "a kept removed role": ("  entities:", "  entities:\n    VICTIM: keep"),
    "a built-in rule redefined": ("strip: [immigration_status]", "strip: [immigration_status]\nexclude:\n  - {rule: age_unknown, district_in: ['1']}"),
    "tabs for indentation": ("  expires_on: 2018-08-31", "\texpires_on: 2018-08-31"),
    "not a mapping": (None, lambda t: "- a\n- b\n"),
    "an empty file": (None, lambda t: ""),
    "not UTF-8": (None, lambda t: t.replace("ICE", "IC\udcff")),
    "binary garbage": (None, lambda t: "\x00\x01\x02" * 100),
    "unclosed bracket": ("roles: [arrestee]", "roles: [arrestee"),
}


def _write_contract(tmp_path, case) -> Path:
    old, new = case
    text = ICE.read_text()
    if old is None:
        text = new(text)
    else:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "contract.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    return path


@pytest.mark.parametrize("name", sorted(CONTRACT_CASES))
def test_hostile_and_careless_contracts_stop_the_run_at_once(name, small_export, tmp_path):
    path = _write_contract(tmp_path, CONTRACT_CASES[name])
    out = tmp_path / "out"
    started = time.monotonic()
    code, stdout, stderr = _run_in_process(["run", "--contract", str(path), "--input", str(small_export),
                                            "--output", str(out), "--as-of", AS_OF])
    assert code == exit_codes.USAGE, (name, stderr)
    assert time.monotonic() - started < 30, "refused at once, not after expanding the file"
    assert str(path) in stderr and "Traceback" not in stdout + stderr
    assert not out.exists(), "nothing written"


ENGINE_CASES = {
    "an alias": lambda t: t.replace("batch_size: 64", "batch_size: &b 64\nbatch_again: *b"),
    "batch_size as a string": lambda t: t.replace("batch_size: 64", 'batch_size: "64"'),
    "a key given twice": lambda t: t.replace("batch_size: 64", "batch_size: 64\nbatch_size: 8"),
    "an unknown key": lambda t: t.replace("batch_size: 64", "batch_size: 64\nbatchsize: 8"),
    "an unknown recognizer": lambda t: t.replace("  - PlaceNameRecognizer", "  - PlaceNameRecogniser"),
    "deep nesting": lambda t: t + "\ndeep: " + "[" * 500 + "]" * 500 + "\n",
}


@pytest.mark.parametrize("name", sorted(ENGINE_CASES))
def test_bad_engine_configurations_stop_the_run(name, small_export, tmp_path):
    text = (REPO / "redaction_rules" / "engine.yaml").read_text()
    changed = ENGINE_CASES[name](text)
    assert changed != text
    path = tmp_path / "engine.yaml"
    path.write_text(changed)
    code, stdout, stderr = _run_in_process(["run", "--contract", str(ICE), "--input", str(small_export),
                                            "--output", str(tmp_path / "out"), "--as-of", AS_OF,
                                            "--engine-config", str(path)])
    assert code == exit_codes.USAGE, stderr
    assert str(path) in stderr and "Traceback" not in stdout + stderr


def test_a_world_readable_key_file_is_refused(small_export, tmp_path):
    contract = tmp_path / "researchers.yaml"
    contract.write_text((CONTRACTS_DIR / "researchers.yaml").read_text()
                        .replace("key_env: FEEDSHIELD_KEY_RESEARCHERS", "key_file: k.key")
                        .replace("effective_from: 2026-01-01", "effective_from: 2018-01-01"))
    key = tmp_path / "k.key"
    key.write_text("k" * 40)
    key.chmod(0o644)
    argv = ["run", "--contract", str(contract), "--input", str(small_export), "--output", str(tmp_path / "out"),
            "--as-of", AS_OF]
    code, _, stderr = _run_in_process(argv)
    assert code == exit_codes.USAGE and "chmod 600" in stderr and "k" * 40 not in stderr
    key.chmod(0o600)
    assert _run_in_process(argv)[0] == exit_codes.OK


FLAG_CASES = {
    "a typo'd feedshield flag": ["--contrakt", "x"],
    "a typo'd model flag": ["--spacymodel", "xx"],
    "a dash-written Beam flag": ["--direct-num-workers=2"],
    "an unknown Beam-style flag": ["--direct_num_worker=2"],
    "a stray word": ["extra"],
    "feed shards 0": ["--feed-shards", "0"],
    "feed shards a word": ["--feed-shards", "two"],
    "a date US style": ["--as-of", "06/30/2018"],
    "a Beam flag with a bad value": ["--direct_num_workers=two"],
    "an abbreviated flag": ["--feed-sh", "2"],
}


@pytest.mark.parametrize("name", sorted(FLAG_CASES))
def test_bad_flags_are_usage_errors(name, small_export, tmp_path):
    out = tmp_path / "out"
    code, stdout, stderr = _run_in_process(["run", "--contract", str(ICE), "--input", str(small_export),
                                            "--output", str(out), "--as-of", AS_OF, *FLAG_CASES[name]])
    assert code == exit_codes.USAGE, stderr
    assert "Traceback" not in stdout + stderr and not out.exists()


@pytest.mark.parametrize("argv", [["run", "--input", "x", "--output", "y"], ["demo", "--contrakt", "x"],
                                  ["evaluate", "--contract", "c", "--input", "i", "--labels", "l", "--spacymodel", "x"]])
def test_every_command_refuses_what_it_does_not_know(argv):
    assert _run_in_process(argv)[0] == exit_codes.USAGE
