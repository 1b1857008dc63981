"""A feed folder: numbered releases that are never overwritten, a `current` pointer, one run at a time.

    DIR/current -> releases/000002     the newest committed release (the recipient reads this)
    DIR/releases/000001/               feed/, retractions.jsonl, the recipient's manifest.json; never changed again
    DIR/withheld/000001/               the city's side of that release: its run's manifest and report, its
                                       quarantine and dead letters (owner-only)
    DIR/failed/<run id>/               a run that published nothing: its manifest, report, withheld (owner-only)
    DIR/last-run -> ...                the last run's own record (withheld/NNNNNN or failed/<run id>)

The release holds what the recipient may know and nothing else: how many
records the city excluded, by which rule, or quarantined would tell the
recipient why the records it is told to delete were retracted (sealed,
expunged), so the run's full account stays on the city's side.
    DIR/ledger.sqlite, DIR/run.log     owner-only (in the state folder, which is DIR itself when DIR is local)

A release becomes visible in three steps, each recorded before the next:
the ledger records it as pending with every disclosure and the digest of
every file; its folder is moved into `releases/` in one rename; `current`
is moved to it in one rename, and the ledger records the commit. A run
killed between any two steps leaves a release that is pending in the
ledger, and the next run (under the same lock) repairs it: a folder that is
complete, file for file and digest for digest, is committed, anything else
is removed and recorded as aborted. So a release is either absent or
complete, and the ledger has it either way. On an object store
(`object_feed.py`) the renames become copies, and a commit marker says
when a release is whole.
"""
import contextlib
import fcntl
import os
import shutil
import uuid
from pathlib import Path

from pipelines import stored_files
from pipelines.digests import sha256_and_lines

PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
RELEASES, WITHHELD, FAILED = "releases", "withheld", "failed"
CURRENT, LAST_RUN, LOCK, FEED_ID = "current", "last-run", ".lock", "feed-id"
WITHHELD_PARTS = ("quarantine", "dead-letter")
RUN_RECORD = "run"  # the staging folder's manifest.json and report.html of the run, for withheld/NNNNNN


def release_name(number: int) -> str:
    return f"{number:06d}"


def file_digests(folder, proved: dict[str, str] | None = None) -> dict[str, str]:
    """Every file under `folder` (a `Path` or a `Url`) by its path there, with its sha256: from `proved`
    (what the worker that wrote a file found as it wrote it), or read here."""
    proved = proved or {}
    return {name: proved.get(name) or sha256_and_lines(str(folder / name))[0]
            for name in stored_files.files_under(folder)}


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _point(link: Path, target: str) -> None:
    """Move a symlink in one rename, so that a reader sees the old target or the new one."""
    tmp = link.with_name(f".{link.name}-{uuid.uuid4().hex[:8]}")
    os.symlink(target, tmp)
    os.replace(tmp, link)
    _fsync_dir(link.parent)


def make_private(directory: Path) -> None:
    directory.chmod(PRIVATE_DIR)
    for path in directory.rglob("*"):
        path.chmod(PRIVATE_DIR if path.is_dir() else PRIVATE_FILE)


def make_public(directory: Path) -> None:
    directory.chmod(0o755)
    for path in directory.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


class FeedFolder:
    """A local feed folder; it is its own state folder (the lock, the default ledger, the run log)."""
    CITY_ONLY = "owner-only"  # how the city's side of the folder is kept from the recipient

    def __init__(self, root: Path):
        self.root = root
        self.state = root

    # -- where things are ------------------------------------------------
    def release_dir(self, number: int) -> Path:
        return self.root / RELEASES / release_name(number)

    def withheld_dir(self, number: int) -> Path:
        return self.root / WITHHELD / release_name(number)

    def failed_dir(self, run_id: str) -> Path:
        return self.root / FAILED / run_id

    def current(self) -> int | None:
        try:
            return int(os.readlink(self.root / CURRENT).rsplit("/", 1)[-1])
        except (OSError, ValueError):
            return None

    def on_disk(self) -> list[int]:
        folder = self.root / RELEASES
        return sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit()) if folder.is_dir() else []

    # -- one run at a time -----------------------------------------------
    def prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def feed_id(self) -> str:
        """The feed's name in the ledger, made at its first run: folders sharing a ledger stay apart."""
        path = self.root / FEED_ID
        if not path.exists():
            tmp = path.with_name(f".{FEED_ID}-{uuid.uuid4().hex[:8]}")
            tmp.write_text(f"feed-{uuid.uuid4().hex[:16]}\n", encoding="utf-8")
            try:
                os.link(tmp, path)  # never replaces: of two first runs, one names the feed for both
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        return path.read_text(encoding="utf-8").strip()

    @contextlib.contextmanager
    def locked(self, on_wait=None):
        """Runs into one folder take turns: the second waits for the first (flock, freed if a run dies)."""
        fd = os.open(self.state / LOCK, os.O_CREAT | os.O_RDWR, PRIVATE_FILE)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait:
                    on_wait()
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def make_staging(self, run_id: str, folders: tuple[str, ...] = ()) -> Path:
        for stale in self.root.glob(".staging-*"):  # left by a run that was killed
            shutil.rmtree(stale, ignore_errors=True)
        staging = self.root / f".staging-{run_id}"
        staging.mkdir(mode=PRIVATE_DIR)
        for name in folders:
            (staging / name).mkdir(mode=PRIVATE_DIR)
        return staging

    # -- the steps of a release --------------------------------------------
    def place_withheld(self, staging: Path, number: int) -> None:
        target = self.withheld_dir(number)
        target.parent.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        shutil.rmtree(target, ignore_errors=True)  # left by an aborted attempt at this number
        target.mkdir(mode=PRIVATE_DIR)
        for part in WITHHELD_PARTS:
            make_private(staging / part)
            os.replace(staging / part, target / part)
        for path in sorted((staging / RUN_RECORD).iterdir()):
            path.chmod(PRIVATE_FILE)
            os.replace(path, target / path.name)

    def place_release(self, staging: Path, files: dict[str, Path], number: int) -> None:
        """Assembled in staging, then moved into `releases/` in one rename: a reader sees all of it or none."""
        folder, target = staging / "release", self.release_dir(number)
        for name, where in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(where, folder / name)
        target.parent.mkdir(exist_ok=True)
        make_public(folder)
        os.replace(folder, target)
        _fsync_dir(target.parent)

    def point_current(self, number: int) -> None:
        _point(self.root / CURRENT, f"{RELEASES}/{release_name(number)}")
        _point(self.root / LAST_RUN, f"{WITHHELD}/{release_name(number)}")

    def keep_failed(self, staging: Path, run_id: str, public: dict[str, str]) -> Path:
        """A run that published nothing keeps what it made, owner-only, where the operator looks."""
        target = self.failed_dir(run_id)
        target.parent.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        target.mkdir(mode=PRIVATE_DIR)
        for part in WITHHELD_PARTS:
            if (staging / part).is_dir():
                os.replace(staging / part, target / part)
        for name, text in public.items():
            (target / name).write_text(text, encoding="utf-8")
        make_private(target)
        _point(self.root / LAST_RUN, f"{FAILED}/{run_id}")
        return target

    def complete(self, number: int, files: dict[str, str]) -> bool:
        return self.has_release(number) and file_digests(self.release_dir(number)) == files

    def has_release(self, number: int) -> bool:
        return self.release_dir(number).is_dir()

    def marked(self, number: int) -> bool:
        """Whether a reader may take the release: here it is, once its folder is in `releases/` (one rename)."""
        return self.has_release(number)

    def remove_release(self, number: int) -> None:
        shutil.rmtree(self.release_dir(number), ignore_errors=True)
        shutil.rmtree(self.withheld_dir(number), ignore_errors=True)

    @staticmethod
    def remove_staging(staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)
