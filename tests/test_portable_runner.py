"""feedshield on Beam's PortableRunner with workers that share nothing with the driver but the paths given.

A real portable setup, as a remote cluster is one: Beam's own job server
(`local_job_service_main`) runs the job, and its SDK workers come from an
EXTERNAL worker pool (`worker_pool_main`) started in a mount namespace of
its own (`unshare -m`): a private, empty `/tmp` and an empty checkout.
The workers run feedshield from the sdist that `--setup_file ./setup.py`
builds, installed into a fresh virtual environment as a worker installs
it, and see only the input, the feed folder and that environment at their
own paths. The feed must come out byte for byte as the default runner
writes it, for a full release and an increment.
"""
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
from pathlib import Path

import pytest

import fixtures
from pipelines import exit_codes
from redaction_rules.contract_loader import CONTRACTS_DIR
from tests.conftest import AUDIT_KEY
from tests.run_folders import release_files
from tools.loopback import NotListening, free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
ICE = CONTRACTS_DIR / "ice-pars-2009.yaml"
AS_OF = "2010-06-01"
JOB_TIMEOUT = 600  # a job whose workers never start waits for them; the test does not

# The worker pool's namespace: each path given is bound aside, /tmp and the checkout are covered with
# empty file systems, and the paths are bound back where they were, so nothing else of the driver shows.
NAMESPACE = """\
set -eu
aside=$(mktemp -d /dev/shm/feedshield-ns.XXXXXX)
i=0
for path in "$@"; do i=$((i+1)); mkdir -p "$aside/$i"; mount --bind "$path" "$aside/$i"; done
mount -t tmpfs tmpfs /tmp
case "$CHECKOUT" in /tmp/*) ;; *) mount -t tmpfs tmpfs "$CHECKOUT" ;; esac
i=0
for path in "$@"; do i=$((i+1)); mkdir -p "$path"; mount --bind "$aside/$i" "$path"; done
cd /
python -c 'import redaction_rules; print("feedshield on the workers:", redaction_rules.__file__)'
ls /tmp | sed 's/^/in the private tmp: /'
exec python -m apache_beam.runners.worker.worker_pool_main --service_port="$POOL_PORT"
"""


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    try:
        wait_for_port(port, process)
    except NotListening as e:
        pytest.fail(f"{process.args[0]}: {e}:\n{log.read_text()[-3000:]}")


def _namespace_prefix() -> list[str]:
    if not shutil.which("unshare"):
        pytest.skip("unshare is not installed: no worker with a private /tmp can be made here")
    prefix = ["unshare", "-m", "--propagation", "private"]
    if os.geteuid() != 0:
        prefix.insert(1, "-r")  # a user namespace, where an unprivileged user may mount
    probe = subprocess.run([*prefix, "sh", "-c", "mount -t tmpfs tmpfs /tmp"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"no mount namespace can be made here: {probe.stderr.strip()}")
    return prefix


def _sdist(tmp_path: Path) -> Path:
    """The sdist as Beam builds it for `--setup_file`, by Beam's own stager."""
    from apache_beam.runners.portability.stager import Stager
    build = tmp_path / "sdist"
    build.mkdir()
    return Path(Stager._build_setup_package(str(ROOT / "setup.py"), str(build)))


def _worker_env(tmp_path: Path, sdist: Path) -> Path:
    """A fresh virtual environment with feedshield installed from the sdist and nothing else of the
    checkout. Its dependencies are this environment's (a `.pth` line names their folder), so that
    no package is downloaded; the checkout's editable install is not among them (a `.pth` line adds
    a folder, not the `.pth` files in it)."""
    venv = tmp_path / "worker-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "feedshield-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-build-isolation", "--no-index", str(sdist)], check=True, cwd=tmp_path)
    return venv


def test_the_sdist_carries_the_contracts_schema_engine_gazetteers_and_place_lists(tmp_path):
    names = set(tarfile.open(_sdist(tmp_path)).getnames())
    root = next(iter(names)).split("/", 1)[0]
    for needed in ("setup.py", "redaction_rules/contracts/ice-pars-2009.yaml", "redaction_rules/engine.yaml",
                   "redaction_rules/arrest-record.schema.json", "redaction_rules/recognizers/gazetteers.json",
                   "redaction_rules/sources/pars-sql.yaml", "redaction_rules/sources/nypd-arrests.yaml",
                   "redaction_rules/places/philadelphia.yaml", "fixtures/data/sample.jsonl"):
        assert f"{root}/{needed}" in names, needed


def _sent(out: Path) -> dict[str, bytes]:
    """The release's records and retractions; its manifest names the run, which differs."""
    return {name: data for name, data in release_files(out).items() if name != "manifest.json"}


def _run(out: Path, export: Path, beam_args: list[str], *more: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pipelines.cli", "run", "--contract", str(ICE), "--input", str(export),
               "--output", str(out), "--as-of", AS_OF, "--feed-shards", "3", *more, *beam_args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=JOB_TIMEOUT,
                          env={**os.environ, "FEEDSHIELD_AUDIT_KEY": AUDIT_KEY})


@pytest.fixture
def portable(tmp_path):
    """The job server, and a worker pool in its own namespace that sees only `shared/` and its venv."""
    prefix = _namespace_prefix()
    venv = _worker_env(tmp_path, _sdist(tmp_path))
    shared = tmp_path / "shared"
    shared.mkdir()
    job_port, pool_port = free_port(), free_port()
    job_log, pool_log = tmp_path / "job.log", tmp_path / "pool.log"
    deps = sysconfig.get_paths()["purelib"]
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "POOL_PORT": str(pool_port),
           "CHECKOUT": str(ROOT), "FEEDSHIELD_AUDIT_KEY": AUDIT_KEY, "PYTHONPATH": ""}
    pool = subprocess.Popen([*prefix, "sh", "-c", NAMESPACE, "sh", str(shared), str(venv), deps],
                            env=env, stdout=pool_log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    job = subprocess.Popen([sys.executable, "-m", "apache_beam.runners.portability.local_job_service_main",
                            "--port", str(job_port)], stdout=job_log.open("w"), stderr=subprocess.STDOUT,
                           start_new_session=True, cwd=tmp_path)
    try:
        _wait_for_port(pool_port, pool, pool_log)
        _wait_for_port(job_port, job, job_log)
        yield shared, ["--runner=PortableRunner", f"--job_endpoint=localhost:{job_port}",
                       "--environment_type=EXTERNAL", f"--environment_config=localhost:{pool_port}",
                       f"--setup_file={ROOT / 'setup.py'}"], pool_log
    finally:
        for process in (job, pool):
            os.killpg(process.pid, 15)
            process.wait(timeout=30)


def test_portable_workers_with_a_private_tmp_write_the_default_runners_feed(portable, tmp_path):
    shared, beam_args, pool_log = portable
    first, second = shared / "export-1.jsonl", shared / "export-2.jsonl"
    fixtures.write(60, 5, first)
    fixtures.write(70, 5, second)  # the same 60 records and ten more: an increment of ten
    for export, more in ((first, ()), (second, ("--incremental",))):
        remote = _run(shared / "feed", export, beam_args, *more)
        assert remote.returncode == 0, remote.stderr[-3000:] + pool_log.read_text()[-3000:]
        local = _run(tmp_path / "feed", export, [], *more)
        assert local.returncode == 0, local.stderr[-3000:]
        assert _sent(shared / "feed") == _sent(tmp_path / "feed")
    seen = pool_log.read_text()
    assert "Starting worker" in seen  # the pool's workers ran it, not the job server
    assert f"feedshield on the workers: {tmp_path / 'worker-venv'}/lib/" in seen
    in_tmp = {line.split(": ", 1)[1] for line in seen.splitlines() if line.startswith("in the private tmp: ")}
    bound = (shared, tmp_path / "worker-venv", Path(sysconfig.get_paths()["purelib"]))  # as `portable` binds them
    given = {p.parts[2] for p in bound if p.parts[1] == "tmp"}
    assert in_tmp == given  # only the paths given were bound back into the workers' /tmp


def test_a_key_file_the_workers_cannot_see_fails_the_run_as_the_drivers_check_would(portable, tmp_path):
    shared, beam_args, _ = portable
    export, key = shared / "export.jsonl", tmp_path / "audit.key"  # the key only in the driver's /tmp
    fixtures.write(10, 5, export)
    key.write_text(AUDIT_KEY)
    key.chmod(0o600)
    done = _run(shared / "feed", export, beam_args, "--audit-key-file", str(key))
    assert done.returncode == exit_codes.USAGE, done.stderr[-3000:]
    assert f"on a worker: --audit-key-file: audit key file {key}: No such file or directory" in done.stderr
    assert AUDIT_KEY not in done.stderr
    assert not (shared / "feed" / "current").exists()
