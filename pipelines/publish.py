"""Moving a finished run from its staging folder into place.

The feed appears under `DIR/feed/` by one rename, only after the whole run
succeeded; until then it lives in `DIR/.staging-<run id>/`, which no
recipient is pointed at. A run that fails removes any older feed so that
`feed/` and `manifest.json` always describe the same run. Quarantine and
dead letters hold personal data and are owner-only.
"""
import os
import shutil
from pathlib import Path

PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600


def make_staging(out_dir: Path, run_id: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(".staging-*"):  # left by a run that was killed
        shutil.rmtree(stale, ignore_errors=True)
    staging = out_dir / f".staging-{run_id}"
    staging.mkdir(mode=PRIVATE_DIR)
    for name in ("feed", "quarantine", "dead-letter"):
        (staging / name).mkdir(mode=PRIVATE_DIR)
    return staging


def _replace_dir(src: Path, dst: Path) -> None:
    if dst.exists():
        old = dst.with_name(f".{dst.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(dst, old)
        os.replace(src, dst)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(src, dst)


def make_private(directory: Path) -> None:
    directory.chmod(PRIVATE_DIR)
    for path in directory.iterdir():
        path.chmod(PRIVATE_FILE)


def keep_withheld(staging: Path, out_dir: Path) -> None:
    for name in ("quarantine", "dead-letter"):
        make_private(staging / name)
        _replace_dir(staging / name, out_dir / name)


def publish_feed(staging: Path, out_dir: Path) -> None:
    feed = staging / "feed"
    feed.chmod(0o755)
    for path in feed.iterdir():
        path.chmod(0o644)
    _replace_dir(feed, out_dir / "feed")


def withdraw_feed(out_dir: Path) -> None:
    shutil.rmtree(out_dir / "feed", ignore_errors=True)


def write_public(staging: Path, out_dir: Path, name: str, text: str) -> None:
    """A file that holds no personal data (the manifest, the report), moved into place in one rename."""
    tmp = staging / name
    tmp.write_text(text, encoding="utf-8")
    tmp.chmod(0o644)
    os.replace(tmp, out_dir / name)


def remove_staging(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
