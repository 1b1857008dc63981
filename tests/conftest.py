import json
import os
from pathlib import Path

import pytest

import fixtures

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "redaction_rules" / "arrest-record.schema.json"
SHARED = REPO.parent / "shared"
# The city's audit key for every run the tests make, in-process or as a subprocess (which inherits it)
AUDIT_KEY = "tests-audit-key-0123456789abcdef"
os.environ.setdefault("FEEDSHIELD_AUDIT_KEY", AUDIT_KEY)


@pytest.fixture(scope="session")
def sample_1000():
    """1,000 records from a seed the quality targets never use."""
    return list(fixtures.generate(1000, seed=11))


@pytest.fixture(scope="session")
def record_schema():
    return json.loads(SCHEMA.read_text())


def tolerant_contract(contract: Path) -> Path:
    """A copy of a contract that publishes whatever share of dead letters, for tests that feed them on purpose."""
    import tempfile
    text = contract.read_text(encoding="utf-8")
    assert "\nverification:\n" in text
    folder = Path(tempfile.mkdtemp(prefix="feedshield-contract-"))
    copy = folder / contract.name
    copy.write_text(text.replace("\nverification:\n", "\nverification:\n  dead_letter_threshold: 1.0\n"),
                    encoding="utf-8")
    return copy


def _postgres_bin() -> Path | None:
    import shutil
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server for the session, on a Unix socket only (no TCP listener), in a
    scratch folder; stopped and removed at the end. Skips, saying why, when none can be started."""
    import os
    import shutil
    import subprocess
    import tempfile
    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL server here (Debian's postgresql package; .ci/run installs it)")
    root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="feedshield-pg-"))
    data, socket_dir = folder / "data", folder / "socket"
    socket_dir.mkdir()
    as_user = ["runuser", "-u", "postgres", "--"] if root else []
    if root:
        shutil.chown(folder, "postgres")
        shutil.chown(socket_dir, "postgres")
    user = "postgres" if root else os.environ.get("USER", "postgres")
    try:
        subprocess.run(as_user + [str(bindir / "initdb"), "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8"],
                       check=True, capture_output=True)
        subprocess.run(as_user + [str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"),
                                  "-o", f"-c listen_addresses='' -k {socket_dir} -p 5439", "start"],
                       check=True, capture_output=True)
        subprocess.run(as_user + [str(bindir / "createdb"), "-h", str(socket_dir), "-p", "5439", "-U", user,
                                  "feedshield"], check=True, capture_output=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"a PostgreSQL server could not be started here ({type(exc).__name__})")
    try:
        yield f"postgresql://{user}@/feedshield?host={socket_dir}&port=5439"
    finally:
        subprocess.run(as_user + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def two_exports(folder: Path, first: tuple[int, int], second: tuple[int, int]) -> tuple[Path, Path]:
    """Two synthetic exports of (count, seed) each: a feed's first release and its next."""
    paths = folder / "first.jsonl", folder / "second.jsonl"
    for path, (count, seed) in zip(paths, (first, second)):
        fixtures.write(count, seed, path)
    return paths
