"""What an operator sees: the CLI, the logs, progress, failures, and the run report in a real browser."""
import fcntl
import json
import os
import pty
import re
import select
import stat
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from pipelines import exit_codes
from pipelines.cli import main
from redaction_rules.contract_loader import CONTRACTS_DIR
from tests.bad_input_corpus import base
from tests.browser import chromium_binary, headless, render
from tests.run_folders import feed_dir, last_run, read_manifest

REPO = Path(__file__).resolve().parent.parent
ICE = CONTRACTS_DIR / "ice-pars-2009.yaml"
AS_OF = "2018-06-30"
SECRET = "Vexmarrowsecret"


def _cli(*argv, stderr=subprocess.PIPE, timeout=300):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *argv], cwd=REPO, env=env, capture_output=False,
                          stdout=subprocess.PIPE, stderr=stderr, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    path = tmp_path_factory.mktemp("ops") / "export.jsonl"
    lines = [json.dumps(base(n)) for n in range(1, 121)]
    lines[5] = "{not json"
    lines[9] = json.dumps({**base(10), "flags": {"sealed": True}})
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def published(export, tmp_path_factory):
    out = tmp_path_factory.mktemp("ops-run") / "out"
    done = _cli("run", "--contract", str(ICE), "--input", str(export), "--output", str(out), "--as-of", AS_OF,
                "--progress-every", "1s", "--log-format", "json")
    return done, out


# -- the CLI ------------------------------------------------------------------------------------------
def test_version():
    done = _cli("--version")
    assert done.returncode == 0 and re.fullmatch(r"feedshield \d+\.\d+\.\d+\n", done.stdout)


def test_no_command_prints_a_word_of_beam_or_presidio():
    done = _cli("contract", "diff", "--help")
    assert done.returncode == 0 and done.stderr == ""
    assert "apitools" not in done.stdout


@pytest.mark.parametrize("command", [["run"], ["demo"], ["fixtures"], ["contract", "validate"], ["contract", "explain"],
                                     ["contract", "diff"], ["evaluate"], ["evaluate-text"], ["completion"]])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: feedshield " + " ".join(command))
    if command in (["run"], ["demo"], ["evaluate"]):
        assert "exit codes:" in text and "--direct_num_workers" in text
    if command == ["run"]:
        assert "examples:" in text and re.search(r"required:\n\s+--contract FILE", text)


def test_required_flags_are_required(capsys):
    with pytest.raises(SystemExit) as done:
        main(["run", "--input", "x", "--output", "y"])
    assert done.value.code == exit_codes.USAGE
    assert "the following arguments are required: --contract" in capsys.readouterr().err


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_shell_completion_knows_every_command(shell, capsys):
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    for word in ("run", "demo", "contract", "evaluate-text", "--contract", "--feed-shards", "validate"):
        assert word in script


# -- logs, progress, failure --------------------------------------------------------------------------------
def test_a_run_logs_json_lines_with_run_id_stage_and_counts(published):
    done, out = published
    assert done.returncode == 0, done.stderr
    entries = [json.loads(line) for line in done.stderr.splitlines()]
    assert entries and all(e["logger"] == "feedshield" for e in entries)
    start, finish = entries[0], entries[-1]
    assert start["stage"] == "start" and finish["stage"] == "finish" and start["run_id"] == finish["run_id"]
    manifest = read_manifest(out)
    assert finish["counts"] == manifest["counts"] and finish["exit_code"] == 0
    progress = [e for e in entries if e["stage"] == "progress"]
    assert progress and progress[-1]["counts"]["read"] <= manifest["counts"]["input_records"]
    assert SECRET[:9] not in done.stderr


def test_run_log_is_owner_only_and_holds_feedshield_lines_only(published):
    _, out = published
    log = out / "run.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert all(json.loads(line)["logger"] == "feedshield" for line in log.read_text().splitlines())


def test_two_workers_print_nothing_but_feedshield_lines(export, tmp_path):
    done = _cli("run", "--contract", str(ICE), "--input", str(export), "--output", str(tmp_path / "out"),
                "--as-of", AS_OF, "--direct_running_mode=multi_processing", "--direct_num_workers=2")
    assert done.returncode == 0, done.stderr
    assert done.stderr and all(line.startswith("feedshield: ") for line in done.stderr.splitlines()), done.stderr


def test_a_terminal_gets_a_live_bar(export, tmp_path):
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a terminal has a size
    env = dict(os.environ)
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--contract", str(ICE), "--input",
                             str(export), "--output", str(tmp_path / "out"), "--as-of", AS_OF],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=secondary)
    os.close(secondary)
    screen = b""
    while True:
        ready, _, _ = select.select([primary], [], [], 300)
        if not ready:
            break
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        screen += chunk
    proc.wait(timeout=300)
    os.close(primary)
    text = screen.decode("utf-8", errors="replace")
    assert proc.returncode == 0
    assert re.search(r"feedshield:\s+\d+%", text) and "rec" in text and "published=" in text


def test_a_failed_step_is_named_with_what_to_do_and_a_value_free_traceback(export, tmp_path, monkeypatch, capsys):
    from redaction_rules import verification

    def check(self, record, output):
        raise KeyError(f"{SECRET} {record['persons'][1]['name']['last']}")

    monkeypatch.setattr(verification.VerificationGate, "check", check)
    monkeypatch.setattr("pipelines.verify.GateDoFn.process", lambda self, element: [self.gate.check(element.record, element.output)])
    out = tmp_path / "out"
    code = main(["run", "--contract", str(ICE), "--input", str(export), "--output", str(out), "--as-of", AS_OF])
    err = capsys.readouterr().err
    assert code == exit_codes.FAILED
    assert "pipeline failed in ShieldFeed/Verify/" in err and "(KeyError)" in err
    assert "the verification gate failed on a worker" in err and "run the same command again" in err
    assert SECRET not in err and "Vexmarrow" not in err
    log = (out / "run.log").read_text()
    assert stat.S_IMODE((out / "run.log").stat().st_mode) == 0o600
    assert "builtins.KeyError" in log and " in check" in log
    assert "Vexmarrow" not in log
    assert not feed_dir(out).exists()


# -- the run report ---------------------------------------------------------------------------------------------
def test_a_page_request_would_be_seen(tmp_path):
    chromium = chromium_binary()
    page = tmp_path / "control.html"
    page.write_text('<!doctype html><p>control</p><img src="http://127.0.0.1:9/pixel.png">')
    _, asked = render(chromium, page, tmp_path)
    assert asked == ["http://127.0.0.1:9/pixel.png"]


def test_the_report_renders_in_chromium_with_the_manifests_numbers_and_no_request(published, tmp_path):
    chromium = chromium_binary()
    _, out = published
    report = last_run(out) / "report.html"
    dom, asked = render(chromium, report, tmp_path)
    assert asked == []
    figures = dict(re.findall(r'data-figure="([^"]+)">([^<]*)<', dom))
    manifest = read_manifest(out)
    counts = manifest["counts"]
    number = lambda name: int(figures[name].replace(",", ""))  # noqa: E731
    assert figures["status"] == manifest["status"] == "published"
    assert number("input_records") == counts["input_records"] == 120
    assert number("published") == counts["published"]
    assert number("dead_lettered") == counts["dead_lettered"] == 1
    assert number("excluded") == sum(counts["excluded"].values())
    for rule, n in counts["excluded"].items():
        assert number(f"excluded:{rule}") == n
    assert number("reason:dead letter: not JSON (column 2)") == 1
    assert "Where every record went" in dom and "<svg" in dom
    assert "ice-pars-2009" in dom and "records excluded:" in dom
    assert not re.search(r'(src|href)="(https?:)?//', report.read_text())


def test_the_report_is_a_page_worth_looking_at(published, tmp_path):
    chromium = chromium_binary()
    _, out = published
    shot = tmp_path / "report.png"
    done = subprocess.run(headless(chromium, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,1800",
                                    (last_run(out) / "report.html").as_uri()), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and shot.exists() and shot.stat().st_size > 20_000


def test_progress_prefers_a_runners_live_counters_and_falls_back_to_the_beacons(tmp_path):
    """A Dataflow-style result serves counters while the job runs; the local runner's does not."""
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions
    from apache_beam.metrics import Metrics
    from pipelines.progress import Beacon, ProgressWatcher, read_beacons, runner_counts

    def count(x):
        Metrics.counter("feedshield", "input_records").inc(2)
        Metrics.counter("feedshield", "input_lines").inc()
        Metrics.counter("feedshield", "published" if x % 3 else "excluded_sealed").inc()
        return x

    pipeline = beam.Pipeline(options=PipelineOptions(["--runner=FnApiRunner"]))
    _ = pipeline | beam.Create(range(30)) | beam.Map(count)
    result = pipeline.run()
    result.wait_until_finish()
    assert runner_counts(result) == {"input": 60, "read": 30, "published": 20, "withheld": 10}

    staging = str(tmp_path)
    beacon = Beacon(staging)
    beacon.add("read", 7)
    beacon.flush()
    assert read_beacons(staging) == {"input": 0, "read": 7, "published": 0, "withheld": 0}
    watcher = ProgressWatcher(staging, 30, None, 60, None)
    assert watcher._counts() == {"input": 0, "read": 7, "published": 0, "withheld": 0}
    watcher.result = result
    assert watcher._counts() == {"input": 60, "read": 30, "published": 20, "withheld": 10}


def test_evaluate_text_prints_its_table_and_nothing_on_stderr(tmp_path):
    texts = ["Officer spoke with Maria Lopez at 2100 N Broad St, phone 215-555-0143.",
             "The complainant, a Honduran national, said he was born in Tegucigalpa.",
             "Witness John Carter left for Camden with 12 dollars."]
    spans = [[{"entity_type": "PERSON", "start_position": 19, "end_position": 30}], [], [{"entity_type": "PERSON",
              "start_position": 8, "end_position": 19}]]
    dataset = tmp_path / "set.json"
    dataset.write_text(json.dumps([{"full_text": t, "spans": s} for t, s in zip(texts, spans)]))
    done = _cli("evaluate-text", "--dataset", str(dataset))
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and "character recall" in done.stdout and "PERSON" in done.stdout


def test_a_failed_step_is_named_by_its_stage_for_the_hint():
    from pipelines.logs import stage_of
    from pipelines.run import STAGE_HINTS
    assert stage_of("ShieldFeed/RedactFreeText/Redact/ParDo(RedactDoFn)") == "RedactFreeText"
    assert stage_of("WriteRun/WriteFeed/MergeRuns") == "WriteRun"
    assert {stage_of(f"ShieldFeed/{s}/X") for s in STAGE_HINTS if s != "WriteRun"} | {stage_of("WriteRun/X")} == set(STAGE_HINTS)
