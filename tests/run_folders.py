"""Where a run put its files in a feed folder (`pipelines/releases.py`), for the tests that read them."""
import json
from pathlib import Path


def last_run(out: Path) -> Path:
    """The last run's own record: `withheld/NNNNNN` of its release, or `failed/<run id>` when it
    published nothing (the full manifest, the report, the withheld records)."""
    return (out / "last-run").resolve()


def read_manifest(out: Path) -> dict:
    return json.loads((last_run(out) / "manifest.json").read_text())


def feed_dir(out: Path) -> Path:
    """The current release's feed; a path that does not exist when nothing was ever published."""
    return out / "current" / "feed"


def withheld(out: Path, part: str) -> Path:
    """The last run's quarantine or dead letters."""
    return last_run(out) / part


def release_files(out: Path) -> dict[str, bytes]:
    """The current release, file by file: what a recipient holds."""
    current = (out / "current").resolve()
    return {str(p.relative_to(current)): p.read_bytes() for p in sorted(current.rglob("*")) if p.is_file()}
