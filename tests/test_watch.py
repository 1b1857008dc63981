"""`feedshield watch` and the deployments in deploy/, run for real.

The watch takes each export file once (by its digest in the ledger), skips
files still being written, stops on SIGTERM only between releases, and
stops for good on a setup problem. The systemd units are checked by
systemd's own `systemd-analyze verify` and their commands run as systemd
would run them; the cron line runs through `sh`; the Airflow DAG runs in a
real Airflow (`airflow dags test`, in a venv of its own).
"""
import configparser
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import fixtures
from ledger.store import Ledger, default_url
from pipelines import exit_codes
from pipelines.cli import main
from redaction_rules.contract_loader import CONTRACTS_DIR
from tests.conftest import REPO
from tests.tool_venv import tool_python

DEPLOY = REPO / "deploy"
ICE = CONTRACTS_DIR / "ice-pars-2009.yaml"
AS_OF = "2010-01-15"
FEEDSHIELD = Path(sys.executable).with_name("feedshield")
AIRFLOW = "apache-airflow==3.3.2"


def settled(path: Path) -> Path:
    old = time.time() - 3600
    os.utime(path, (old, old))
    return path


def export(folder: Path, name: str, count: int, seed: int) -> Path:
    fixtures.write(count, seed, folder / name)
    return settled(folder / name)


def committed(out: Path) -> list[dict]:
    if not (out / "feed-id").exists():
        return []
    ledger = Ledger(default_url(out), create=False)
    try:
        return [r.body for r in ledger.releases((out / "feed-id").read_text().strip()) if r.status == "committed"]
    finally:
        ledger.close()


def watch_argv(drop: Path, out: Path, *more) -> list[str]:
    return ["watch", "--drop", str(drop), "--contract", str(ICE), "--output", str(out), "--as-of", AS_OF,
            "--settle", "1s", *more]


def test_each_export_file_is_taken_once_and_only_once_settled(tmp_path):
    drop, out = tmp_path / "drop", tmp_path / "feed"
    drop.mkdir()
    export(drop, "pars-1.jsonl", 12, 1)
    assert main(watch_argv(drop, out, "--once")) == exit_codes.OK
    assert [r["mode"] for r in committed(out)] == ["increment"]
    assert main(watch_argv(drop, out, "--once")) == exit_codes.OK
    shutil.copy(drop / "pars-1.jsonl", drop / "pars-1-again.jsonl")  # the same bytes under another name
    settled(drop / "pars-1-again.jsonl")
    fixtures.write(5, 2, drop / "pars-2.jsonl.part")  # still being written, by name
    settled(drop / "pars-2.jsonl.part")
    fixtures.write(5, 3, drop / "pars-3.jsonl")  # still being written, by time
    assert main(watch_argv(drop, out, "--once")) == exit_codes.OK
    assert len(committed(out)) == 1
    os.replace(drop / "pars-2.jsonl.part", drop / "pars-2.jsonl")
    settled(drop / "pars-3.jsonl")
    assert main(watch_argv(drop, out, "--once")) == exit_codes.OK
    releases = committed(out)
    assert len(releases) == 2
    assert sorted(Path(i["path"]).name for i in releases[1]["inputs"]) == ["pars-2.jsonl", "pars-3.jsonl"]
    assert main(["ledger", "verify", str(out)]) == exit_codes.OK


def test_a_setup_problem_stops_the_watch_with_its_exit_code(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    export(drop, "pars.jsonl", 5, 1)
    argv = watch_argv(drop, tmp_path / "feed", "--every", "1s")
    argv[argv.index("--as-of") + 1] = "2019-01-01"  # the 2009 agreement ended in 2018
    assert main(argv) == exit_codes.NOT_IN_FORCE
    assert committed(tmp_path / "feed") == []


class Lines:
    """A process's stderr, read as it comes."""

    def __init__(self, stream):
        self.lines, self.stream = [], stream
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.stream:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 240) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(text in line for line in self.lines):
                return
            time.sleep(0.1)
        raise AssertionError(f"no {text!r} in: {''.join(self.lines)[-3000:]}")


def _start(argv: list[str], env: dict | None = None) -> tuple[subprocess.Popen, Lines]:
    process = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **(env or {})})
    return process, Lines(process.stderr)


def test_sigterm_during_a_release_finishes_and_commits_it_then_stops(tmp_path):
    drop, out = tmp_path / "drop", tmp_path / "feed"
    drop.mkdir()
    process, lines = _start([str(FEEDSHIELD), *watch_argv(drop, out, "--every", "1s")])
    try:
        lines.wait_for("nothing new")
        export(drop, "pars-1.jsonl", 30, 4)
        lines.wait_for("making a release")
        process.send_signal(signal.SIGTERM)  # mid-release: the pipeline is running
        assert process.wait(timeout=300) == exit_codes.OK
    finally:
        process.kill()
    assert "stopping after the release under way" in "".join(lines.lines)
    assert len(committed(out)) == 1
    assert main(["ledger", "verify", str(out)]) == exit_codes.OK
    export(drop, "pars-2.jsonl", 5, 5)  # the watch is gone: nothing takes it
    time.sleep(1.5)
    assert len(committed(out)) == 1


# -- deploy/ -----------------------------------------------------------------------------------------------------
def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


def _installed_units(tmp_path: Path) -> Path:
    """The units as installed on this machine: the venv's feedshield where /opt/feedshield's would be."""
    units = tmp_path / "units"
    units.mkdir()
    for path in (DEPLOY / "systemd").glob("feedshield-*"):
        text = path.read_text().replace("/opt/feedshield/.venv/bin/feedshield", str(FEEDSHIELD))
        for instance in ("ice",):
            (units / path.name.replace("@.", f"@{instance}.")).write_text(text)
    return units


def test_the_systemd_units_pass_systemds_own_check(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("no systemd-analyze here (Debian's systemd package; .ci/run installs it)")
    units = _installed_units(tmp_path)
    for unit in sorted(units.iterdir()):
        checked = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True)
        problems = [line for line in (checked.stdout + checked.stderr).splitlines()
                    if line and "Failed to load" not in line and "/etc/feedshield" not in line]
        assert checked.returncode == 0 and not problems, (unit.name, problems)
    calendar = _unit("feedshield-increment@.timer")["Timer"]["OnCalendar"]
    assert subprocess.run(["systemd-analyze", "calendar", calendar], capture_output=True).returncode == 0


def _exec_start(name: str, env: dict[str, str]) -> list[str]:
    """The unit's ExecStart as systemd runs it: ${VAR} from the environment file and the credentials."""
    command = _unit(name)["Service"]["ExecStart"]
    command = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], command)
    return [str(FEEDSHIELD) if a.endswith("/bin/feedshield") else a for a in shlex.split(command)]


def _environment(tmp_path: Path) -> dict[str, str]:
    env_file = configparser.ConfigParser()
    env_file.read_string("[env]\n" + (DEPLOY / "systemd" / "ice.env").read_text())
    assert set(k.upper() for k in env_file["env"]) == {"FEEDSHIELD_CONTRACT", "FEEDSHIELD_DROP", "FEEDSHIELD_OUTPUT"}
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    key = credentials / "audit.key"
    key.write_text("deploy-test-audit-key-0123456789abcdef")
    key.chmod(0o600)
    (tmp_path / "drop").mkdir()
    return {"FEEDSHIELD_CONTRACT": str(ICE), "FEEDSHIELD_DROP": str(tmp_path / "drop"),
            "FEEDSHIELD_OUTPUT": str(tmp_path / "feed"), "CREDENTIALS_DIRECTORY": str(credentials)}


def test_the_watch_service_runs_and_stops_on_its_kill_signal(tmp_path):
    env = _environment(tmp_path)
    assert _unit("feedshield-watch@.service")["Service"]["KillSignal"] == "SIGTERM"
    argv = _exec_start("feedshield-watch@.service", env)
    argv[argv.index("--every") + 1] = "1s"
    process, lines = _start([*argv, "--as-of", AS_OF, "--settle", "1s"], {"FEEDSHIELD_AUDIT_KEY": ""})
    try:
        export(Path(env["FEEDSHIELD_DROP"]), "pars.jsonl", 10, 6)
        lines.wait_for('"stage": "finish"')
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=120) == exit_codes.OK
    finally:
        process.kill()
    assert len(committed(Path(env["FEEDSHIELD_OUTPUT"]))) == 1
    # the timer's one-shot service: one release of what is new, then exit
    export(Path(env["FEEDSHIELD_DROP"]), "pars-2.jsonl", 10, 7)
    once = subprocess.run([*_exec_start("feedshield-increment@.service", env), "--as-of", AS_OF, "--settle", "1s"],
                          capture_output=True, text=True, env={**os.environ, "FEEDSHIELD_AUDIT_KEY": ""})
    assert once.returncode == exit_codes.OK, once.stderr[-2000:]
    assert len(committed(Path(env["FEEDSHIELD_OUTPUT"]))) == 2
    assert all(json.loads(line) for line in once.stderr.splitlines())  # --log-format json: one object a line


def test_the_cron_line_runs_through_sh(tmp_path):
    env = _environment(tmp_path)
    (line,) = [x for x in (DEPLOY / "cron" / "feedshield").read_text().splitlines() if re.match(r"[*\d]", x)]
    minute, hour, day, month, weekday, user, command = line.split(None, 6)
    assert (minute, user) == ("*/15", "feedshield")
    key = Path(env["CREDENTIALS_DIRECTORY"]) / "audit.key"
    log = tmp_path / "ice.log"
    command = (command.replace("/opt/feedshield/.venv/bin/feedshield", str(FEEDSHIELD))
               .replace("/srv/exports/pars", env["FEEDSHIELD_DROP"]).replace("/srv/feeds/ice", env["FEEDSHIELD_OUTPUT"])
               .replace("/etc/feedshield/contracts/ice-pars-2009.yaml", str(ICE))
               .replace("/etc/feedshield/audit.key", str(key)).replace("/var/log/feedshield/ice.log", str(log)))
    export(Path(env["FEEDSHIELD_DROP"]), "pars.jsonl", 10, 8)
    done = subprocess.run(["sh", "-c", f"{command} --as-of {AS_OF} --settle 1s"], capture_output=True, text=True,
                          env={**os.environ, "FEEDSHIELD_AUDIT_KEY": ""})
    assert done.returncode == 0, log.read_text()[-2000:]
    assert len(committed(Path(env["FEEDSHIELD_OUTPUT"]))) == 1
    assert '"stage": "finish"' in log.read_text()


def test_the_airflow_dag_runs_in_airflow(tmp_path):
    python = tool_python("airflow", AIRFLOW, "airflow")
    env = _environment(tmp_path)
    home = tmp_path / "airflow"
    (home / "dags").mkdir(parents=True)
    shutil.copy(DEPLOY / "airflow" / "feedshield_dag.py", home / "dags")
    export(Path(env["FEEDSHIELD_DROP"]), "pars.jsonl", 10, 9)
    researchers = CONTRACTS_DIR / "researchers.yaml"  # in force today, as an Airflow run's date is
    airflow_env = {**os.environ, "AIRFLOW_HOME": str(home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                   "FEEDSHIELD_AUDIT_KEY": "", "FEEDSHIELD_KEY_RESEARCHERS": "deploy-test-researchers-key-0123456789",
                   "AIRFLOW_VAR_FEEDSHIELD_BIN": str(FEEDSHIELD), "AIRFLOW_VAR_FEEDSHIELD_DROP": env["FEEDSHIELD_DROP"],
                   "AIRFLOW_VAR_FEEDSHIELD_CONTRACT": str(researchers),
                   "AIRFLOW_VAR_FEEDSHIELD_OUTPUT": env["FEEDSHIELD_OUTPUT"],
                   "AIRFLOW_VAR_FEEDSHIELD_AUDIT_KEY_FILE": str(Path(env["CREDENTIALS_DIRECTORY"]) / "audit.key"),
                   "AIRFLOW_VAR_FEEDSHIELD_SETTLE": "1s"}
    airflow = python.with_name("airflow")
    migrated = subprocess.run([airflow, "db", "migrate"], capture_output=True, text=True, env=airflow_env, timeout=600)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    for attempt in (1, 2):  # the second run finds nothing new
        ran = subprocess.run([airflow, "dags", "test", "feedshield_increment"], capture_output=True, text=True,
                             env=airflow_env, timeout=600)
        said = ran.stdout + ran.stderr
        finished = [line for line in said.splitlines() if "DagRun Finished" in line]
        assert ran.returncode == 0 and finished and "state=success" in finished[-1], said[-3000:]
        assert len(committed(Path(env["FEEDSHIELD_OUTPUT"]))) == 1


def test_a_database_is_polled_by_its_updated_at_column(tmp_path):
    import sqlalchemy as sa
    from datetime import datetime
    from fixtures.pars_sql import tables, write_pars_sql
    from pipelines.read_sql import create_engine
    from redaction_rules.source_mapping import SOURCES_DIR
    url, out = f"sqlite:///{tmp_path / 'pars.db'}", tmp_path / "feed"
    write_pars_sql(15, 3, url)
    argv = ["watch", "--once", "--input", url, "--mapping", str(SOURCES_DIR / "pars-sql.yaml"), "--contract", str(ICE),
            "--output", str(out), "--as-of", AS_OF]
    assert main(argv) == exit_codes.OK
    (first,) = committed(out)
    assert first["inputs"][0]["records"] == 15 and first["inputs"][0]["updated"] == {"after": None,
                                                                                     "latest": "2026-01-01T00:00:00"}
    assert main(argv) == exit_codes.OK  # nothing updated: no release
    assert len(committed(out)) == 1
    sent = [json.loads(line)["record_id"] for p in sorted((out / "current" / "feed").glob("*.jsonl"))
            for line in p.read_text().splitlines()]
    incidents = tables(sa.MetaData())[0]
    engine = create_engine(url)
    with engine.begin() as db:
        changed, sealed = (db.execute(sa.select(incidents.c.incident_id).where(incidents.c.record_id == rid)).scalar()
                           for rid in sent[:2])
        db.execute(incidents.update().where(incidents.c.incident_id == changed).values(
            narrative=incidents.c.narrative + " Supplemental report filed.", updated_at=datetime(2026, 1, 2, 9, 30)))
        db.execute(incidents.update().where(incidents.c.incident_id == sealed).values(
            sealed=True, updated_at=datetime(2026, 1, 2, 9, 31)))
    engine.dispose()
    assert main(argv) == exit_codes.OK
    second = committed(out)[1]
    assert second["inputs"][0]["records"] == 2
    assert second["inputs"][0]["updated"] == {"after": "2026-01-01T00:00:00", "latest": "2026-01-02T09:31:00"}
    assert (second["counts"]["published"], second["counts"]["retracted"]) == (1, 1)
    release = out / "releases" / "000002"
    assert [json.loads(line)["record_id"] for line in (release / "feed" / "part-00000-of-00001.jsonl").open()] == [sent[0]]
    assert [json.loads(line)["record_id"] for line in (release / "retractions.jsonl").open()] == [sent[1]]
    assert main(["ledger", "verify", str(out)]) == exit_codes.OK
