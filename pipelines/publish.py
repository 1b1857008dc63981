"""Publishing a release exactly once: ledger first, then the folder, then `current`, then the commit.

`repair` runs under the feed folder's lock before every run and finishes
what a killed run left: see `releases.py` for why each order is safe.
"""
import getpass
import itertools
import json
import socket
from collections.abc import Iterator
from datetime import datetime, timezone

from ledger.signing import HeadSigner
from ledger.store import Ledger, LedgerError
from pipelines import stored_files
from pipelines.releases import FeedFolder


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def operator() -> dict:
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment (a container without passwd entry)
        user = "unknown"
    return {"user": user, "host": socket.gethostname()}


def release_entry(manifest: dict, number: int, purpose: str, files: dict[str, str], terms: str) -> dict:
    """What the ledger keeps of a release: the terms, the inputs, every file's digest, the counts.
    `terms` is `holdings.terms_digest`: an increment under other terms must read a full export."""
    return {"release": number, "run_id": manifest["run_id"], "contract": manifest["contract"], "terms": terms,
            "purpose": purpose, "as_of": manifest["as_of"], "tool": manifest["tool"],
            "inputs": manifest["inputs"], "source": manifest["source"], "files": files,
            "counts": manifest["counts"], "mode": manifest["mode"], "operator": operator(),
            "started_at": manifest["started_at"], "finished_at": manifest["finished_at"]}


def read_entries(folder) -> Iterator[dict]:
    """The ledger entries the workers wrote into a staging folder (a `Path` or a `Url`), in their files' order."""
    for name in stored_files.files_under(folder):
        if name.endswith(".jsonl"):
            for line in stored_files.lines(folder / name):
                yield json.loads(line)


def next_number(ledger: Ledger, feed: str, folder: FeedFolder) -> int:
    """One past every number the ledger or the folder has seen: an aborted number is never reused."""
    known = [r.number for r in ledger.releases(feed)] + folder.on_disk()
    return max(known, default=0) + 1


def commit_entries(number: int, repaired: bool, signer: HeadSigner | None):
    """The commit entry of a release, signing the chain head it closes when a signing key is given."""
    def entries(head_seq: int, head_hash: str):
        body = {"release": number, "committed_at": now(), "repaired": repaired}
        if signer is not None:
            body["signed"] = signer.sign(head_seq, head_hash)
        return [("commit", number, body)]
    return entries


def repair(folder: FeedFolder, ledger: Ledger, feed: str, log, signer: HeadSigner | None = None) -> list[str]:
    """Commit or abort every release a killed run left pending; what was done, in words."""
    done = []
    for release in ledger.releases(feed):
        if release.status != "pending":
            continue
        number = release.number
        if folder.complete(number, release.body["files"]):
            if (folder.current() or 0) < number:
                folder.point_current(number)
            ledger.append(feed, commit_entries(number, True, signer))
            done.append(f"release {number} was complete but not committed (an interrupted run): committed")
        else:
            folder.remove_release(number)
            ledger.append(feed, [("abort", number, {"release": number, "aborted_at": now(),
                                                    "reason": "incomplete after an interrupted run"})])
            done.append(f"release {number} was left incomplete by an interrupted run: removed, recorded as aborted")
    for line in done:
        log.warning(line, extra={"stage": "repair"})
    return done


class Publisher:
    """The steps of one release, each a method, so that a test can stop a run between any two."""

    def __init__(self, folder: FeedFolder, ledger: Ledger, feed: str, signer: HeadSigner | None = None):
        self.folder, self.ledger, self.feed, self.signer = folder, ledger, feed, signer

    def record_pending(self, number: int, entry: dict, records) -> None:
        """`records`: (kind, body) of each disclosure and retraction of the release."""
        def still_free(ledger, conn, feed):
            if any(r.number == number for r in ledger.releases(feed, conn)):
                raise LedgerError(f"release {number} was recorded by another run meanwhile")
        # streamed: a release of 50,000 records is never held in memory as entries
        items = itertools.chain([("release", number, entry)], ((kind, number, body) for kind, body in records))
        self.ledger.append(self.feed, items, expect=still_free)

    def place(self, staging, release: dict, number: int) -> None:
        """`release`: each file of the release by its name there, with where it is staged."""
        self.folder.place_withheld(staging, number)
        self.folder.place_release(staging, release, number)

    def point(self, number: int) -> None:
        self.folder.point_current(number)

    def commit(self, number: int) -> None:
        self.ledger.append(self.feed, commit_entries(number, False, self.signer))

    def publish(self, staging, release: dict, number: int, entry: dict, records) -> None:
        self.record_pending(number, entry, records)
        self.place(staging, release, number)
        self.point(number)
        self.commit(number)

