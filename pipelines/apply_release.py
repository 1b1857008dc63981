"""`feedshield apply-release`: the recipient's side of an ongoing feed, as a reference.

A recipient holds one version of each record, by its record id. It applies
the releases of a feed folder in order, each once: the ones after the last
it applied, up to the one `current` points at (a number an aborted run
took is never published, so gaps are skipped). Each release is checked
against its manifest's digests first; then its `retractions.jsonl` ids are
deleted (each must be held: a retraction of something not held means a
release was skipped or applied twice) and its feed lines are upserted. A
release without `retractions.jsonl` is an older full release: a snapshot
that replaces what was held. A line without a record id (a feed that shows
none) is held by its content, as `risk.identity` tells records apart.

The state is one file, `STATE_DIR/state.jsonl`: a header line (feed,
release applied) and the records, sorted; it is replaced in one rename
after each release, so a recipient killed midway holds the last release
it finished.
"""
import argparse
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import exit_codes
from pipelines.releases import CURRENT, RELEASES, release_name
from redaction_rules.risk import identity

STATE = "state.jsonl"
RETRACTIONS, MANIFEST, FEED = "retractions.jsonl", "manifest.json", "feed"


class ApplyError(Exception):
    """A release that cannot be applied: the message names the release and the file, never a value."""


@dataclass
class Applied:
    release: int
    mode: str
    new: int = 0
    updated: int = 0
    resent: int = 0   # a line the recipient already held as it is
    retracted: int = 0

    def line(self, held: int) -> str:
        return (f"applied release {self.release} ({self.mode}): {self.new} new, {self.updated} updated, "
                f"{self.resent} already held, {self.retracted} retracted; {held} records held")


@dataclass
class RecipientState:
    feed: str | None = None
    release: int = 0
    records: dict = field(default_factory=dict)  # identity -> feed line

    @classmethod
    def load(cls, folder: Path) -> "RecipientState":
        path = folder / STATE
        if not path.exists():
            return cls()
        with path.open(encoding="utf-8") as handle:
            header = json.loads(handle.readline())
            records = {}
            for line in handle:
                records[identity(json.loads(line))] = line
        return cls(header["feed"], header["release"], records)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{STATE}.tmp"
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(json.dumps({"feed": self.feed, "release": self.release}) + "\n")
            for key in sorted(self.records):
                handle.write(self.records[key])
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, folder / STATE)

    def apply(self, release_dir: Path, number: int) -> Applied:
        manifest = _checked_manifest(release_dir, number)
        if self.feed is not None and manifest["feed"] != self.feed:
            raise ApplyError(f"release {number} belongs to another feed than this state")
        retractions = release_dir / RETRACTIONS
        done = Applied(number, manifest.get("mode") or "snapshot")
        if retractions.exists():
            for raw in retractions.read_text(encoding="utf-8").splitlines():
                key = f"id:{json.loads(raw)['record_id']}"
                if self.records.pop(key, None) is None:
                    raise ApplyError(f"release {number}: {RETRACTIONS} retracts a record this state does not hold: "
                                     "a release was skipped or applied twice")
                done.retracted += 1
        else:
            self.records = {}
        for part in sorted((release_dir / FEED).glob("*.jsonl")):
            with part.open(encoding="utf-8") as handle:
                for line in handle:
                    key = identity(json.loads(line))
                    before = self.records.get(key)
                    done.new += before is None
                    done.updated += before is not None and before != line
                    done.resent += before == line
                    self.records[key] = line
        self.feed, self.release = manifest["feed"], number
        return done


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _checked_manifest(release_dir: Path, number: int) -> dict:
    try:
        manifest = json.loads((release_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ApplyError(f"release {number}: {MANIFEST} is missing or not JSON") from None
    if manifest.get("release") != number:
        raise ApplyError(f"release {number}: its manifest names release {manifest.get('release')}")
    listed = {f"{FEED}/{f['file']}": f["sha256"] for f in manifest["outputs"]["feed"]}
    listed |= {RETRACTIONS: f["sha256"] for f in manifest["outputs"].get("retractions", [])}
    on_disk = {str(p.relative_to(release_dir)) for p in (release_dir / FEED).glob("*.jsonl")}
    on_disk |= {RETRACTIONS} if (release_dir / RETRACTIONS).exists() else set()
    if on_disk != set(listed):
        raise ApplyError(f"release {number}: its files are not the ones its manifest lists")
    for name, sha in sorted(listed.items()):
        if _digest(release_dir / name) != sha:
            raise ApplyError(f"release {number}: {name} does not match its manifest's sha256")
    return manifest


def pending(feed_dir: Path, applied: int) -> list[int]:
    """The committed releases after `applied`: up to `current`, in order."""
    try:
        current = int(os.readlink(feed_dir / CURRENT).rsplit("/", 1)[-1])
    except (OSError, ValueError):
        return []
    folder = feed_dir / RELEASES
    numbers = sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit()) if folder.is_dir() else []
    return [n for n in numbers if applied < n <= current]


def apply_releases(feed_dir: Path, state_dir: Path, report=print) -> list[Applied]:
    """Apply what is new, each release saved before the next; what each release did."""
    state, done = RecipientState.load(state_dir), []
    for number in pending(feed_dir, state.release):
        done.append(state.apply(feed_dir / RELEASES / release_name(number), number))
        state.save(state_dir)
        report(done[-1].line(len(state.records)))
    return done


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("feed", metavar="FEED_DIR", help="the feed folder as the recipient receives it (current, releases/)")
    p.add_argument("--into", required=True, metavar="STATE_DIR",
                   help="the recipient's state: STATE_DIR/state.jsonl, made at the first release")


def command(args, _beam_args=None) -> int:
    feed_dir, state_dir = Path(args.feed), Path(args.into)
    try:
        apply_releases(feed_dir, state_dir)
    except ApplyError as exc:
        print(f"feedshield apply-release: {exc}; the state holds the last release applied before it",
              file=sys.stderr)
        return exit_codes.VERIFICATION
    state = RecipientState.load(state_dir)
    print(f"{state_dir / STATE}: release {state.release}, {len(state.records)} records")
    return exit_codes.OK

