"""A feed folder on an object store (`gs://`, `s3://`, any scheme Beam has a file system for).

An object store cannot rename a folder, make a symbolic link, lock a file
or keep mode bits, so the local folder's steps are replaced one for one:

    URL/releases/000002/...          copied there object by object, after the ledger recorded it as pending
    URL/releases/000002.committed    the commit marker, written once every object is in place: a release
                                     without its marker is not whole, and no reader may take it
    URL/current                      a small object naming `releases/000002`, written after the marker
    URL/last-run                     the same for the run's own record (withheld/NNNNNN or failed/<run id>)
    URL/withheld/, URL/failed/, URL/.staging-<run id>/   the city's side, as in a local folder

Mode bits do not exist there: the recipient's grant must cover `current`,
`releases/` and nothing else (README, "Feed folders on object stores").
The lock, the default ledger and the run log need a file system that locks
and appends, so they live in a local state folder (`--state`), one per feed:
every run into the feed must use the same one.
"""
import fcntl
import json
import os
import uuid
from pathlib import Path

from apache_beam.io.filesystems import FileSystems

from pipelines import stored_files
from pipelines.locations import Url, feed_location
from pipelines.releases import (CURRENT, FAILED, FEED_ID, LAST_RUN, PRIVATE_DIR, PRIVATE_FILE, RELEASES, RUN_RECORD,
                                WITHHELD, WITHHELD_PARTS, FeedFolder, release_name)

COMMITTED = ".committed"


class StateMissing(ValueError):
    """The state folder is missing where it is needed, or given where it is not."""


class ObjectFeedFolder(FeedFolder):
    CITY_ONLY = "not in the recipient's grant"
    def __init__(self, root: Url, state: Path):
        self.root, self.state = root, state

    def marker(self, number: int) -> Url:
        return self.root / RELEASES / f"{release_name(number)}{COMMITTED}"

    def _pointer(self, name: str) -> str | None:
        path = self.root / name
        return stored_files.read_text(path).strip() if stored_files.exists(path) else None

    def current(self) -> int | None:
        target = self._pointer(CURRENT)
        try:
            return int(target.rsplit("/", 1)[-1]) if target else None
        except ValueError:
            return None

    def on_disk(self) -> list[int]:
        heads = {name.split("/", 1)[0] for name in stored_files.files_under(self.root / RELEASES)}
        return sorted(int(h) for h in heads if h.isdigit())

    def prepare(self) -> None:
        self.state.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)

    def feed_id(self) -> str:
        """Made at the feed's first run; the state folder's lock keeps two first runs from both making one."""
        path = self.root / FEED_ID
        fd = os.open(self.state / f".{FEED_ID}.lock", os.O_CREAT | os.O_RDWR, PRIVATE_FILE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if not stored_files.exists(path):
                stored_files.write_text(path, f"feed-{uuid.uuid4().hex[:16]}\n")
            return stored_files.read_text(path).strip()
        finally:
            os.close(fd)

    def make_staging(self, run_id: str, folders: tuple[str, ...] = ()) -> Url:
        stale = FileSystems.match([f"{self.root}/.staging-*"])[0].metadata_list  # left by a run that was killed
        if stale:
            FileSystems.delete([m.path for m in stale])
        return self.root / f".staging-{run_id}"

    def place_withheld(self, staging: Url, number: int) -> None:
        target = self.withheld_dir(number)
        stored_files.delete_tree(target)  # left by an aborted attempt at this number
        for part in WITHHELD_PARTS:
            stored_files.move_tree(staging / part, target / part)
        stored_files.move_tree(staging / RUN_RECORD, target)

    def place_release(self, staging: Url, files: dict[str, Url], number: int) -> None:
        """Each staged object copied once, straight to its place: not at once, which is why the marker follows."""
        target = self.release_dir(number)
        names = sorted(files)
        FileSystems.rename([str(files[n]) for n in names], [str(target / n) for n in names])

    def point_current(self, number: int) -> None:
        files = stored_files.files_under(self.release_dir(number))
        stored_files.write_text(self.marker(number), json.dumps({"release": number, "files": files}) + "\n")
        stored_files.write_text(self.root / CURRENT, f"{RELEASES}/{release_name(number)}\n")
        stored_files.write_text(self.root / LAST_RUN, f"{WITHHELD}/{release_name(number)}\n")

    def keep_failed(self, staging: Url, run_id: str, public: dict[str, str]) -> Url:
        target = self.failed_dir(run_id)
        for part in WITHHELD_PARTS:
            stored_files.move_tree(staging / part, target / part)
        for name, text in public.items():
            stored_files.write_text(target / name, text)
        stored_files.write_text(self.root / LAST_RUN, f"{FAILED}/{run_id}\n")
        return target

    def has_release(self, number: int) -> bool:
        return bool(stored_files.files_under(self.release_dir(number)))

    def marked(self, number: int) -> bool:
        return stored_files.exists(self.marker(number))

    def remove_release(self, number: int) -> None:
        stored_files.delete_file(self.marker(number))
        stored_files.delete_tree(self.release_dir(number))
        stored_files.delete_tree(self.withheld_dir(number))

    def remove_staging(self, staging: Url) -> None:
        stored_files.delete_tree(staging)


def feed_folder(output: str, state: str | None = None) -> FeedFolder:
    """The feed folder `output` names: local (its own state folder, unless `state` names another) or on
    an object store (which needs `state`)."""
    where = feed_location(output)
    if isinstance(where, Path):
        if state:
            raise StateMissing("--state is for a feed folder on an object store: a local feed folder is its "
                               "own state folder")
        return FeedFolder(where)
    if not state:
        raise StateMissing(f"--output {output}: a feed folder on an object store needs --state DIR, a local "
                           "folder for its lock, its ledger and its run log (the same one for every run into "
                           "this feed)")
    return ObjectFeedFolder(where, Path(state))
