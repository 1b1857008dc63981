"""`feedshield apply-release`: the recipient's side of an ongoing feed, as a reference.

A recipient holds one version of each record, by its record id. It applies
the releases of a feed folder in order, each once: the ones after the last
it applied, up to the one `current` points at (a number an aborted run
took is never published, so gaps are skipped); on an object store, only
those whose commit marker is written (`object_feed.py`). Each release is checked
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
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from pipelines import exit_codes, stored_files
from pipelines.digests import sha256_and_lines
from pipelines.locations import LocationError, feed_location
from pipelines.object_feed import ObjectFeedFolder
from pipelines.releases import FeedFolder
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
        if stored_files.exists(retractions):
            for raw in stored_files.lines(retractions):
                key = f"id:{json.loads(raw)['record_id']}"
                if self.records.pop(key, None) is None:
                    raise ApplyError(f"release {number}: {RETRACTIONS} retracts a record this state does not hold: "
                                     "a release was skipped or applied twice")
                done.retracted += 1
        else:
            self.records = {}
        for part in _feed_files(release_dir):
            for line in stored_files.lines(release_dir / part):
                key = identity(json.loads(line))
                before = self.records.get(key)
                done.new += before is None
                done.updated += before is not None and before != line
                done.resent += before == line
                self.records[key] = line
        self.feed, self.release = manifest["feed"], number
        return done


def _feed_files(release_dir) -> list[str]:
    return [f"{FEED}/{name}" for name in stored_files.files_under(release_dir / FEED) if name.endswith(".jsonl")]


def _checked_manifest(release_dir, number: int) -> dict:
    try:
        manifest = json.loads(stored_files.read_text(release_dir / MANIFEST))
    except (OSError, ValueError):
        raise ApplyError(f"release {number}: {MANIFEST} is missing or not JSON") from None
    if manifest.get("release") != number:
        raise ApplyError(f"release {number}: its manifest names release {manifest.get('release')}")
    listed = {f"{FEED}/{f['file']}": f["sha256"] for f in manifest["outputs"]["feed"]}
    listed |= {RETRACTIONS: f["sha256"] for f in manifest["outputs"].get("retractions", [])}
    on_disk = set(_feed_files(release_dir))
    on_disk |= {RETRACTIONS} if stored_files.exists(release_dir / RETRACTIONS) else set()
    if on_disk != set(listed):
        raise ApplyError(f"release {number}: its files are not the ones its manifest lists")
    for name, sha in sorted(listed.items()):
        if sha256_and_lines(str(release_dir / name))[0] != sha:
            raise ApplyError(f"release {number}: {name} does not match its manifest's sha256")
    return manifest


def pending(feed: FeedFolder, applied: int) -> list[int]:
    """The committed releases after `applied`: up to `current`, in order; on an object store, only those
    whose commit marker is written."""
    current = feed.current()
    if current is None:
        return []
    return [n for n in feed.on_disk() if applied < n <= current and feed.marked(n)]


def apply_releases(feed_dir: str | Path, state_dir: Path, report=print) -> list[Applied]:
    """Apply what is new, each release saved before the next; what each release did."""
    where = feed_location(str(feed_dir))
    feed = FeedFolder(where) if isinstance(where, Path) else ObjectFeedFolder(where, None)
    state, done = RecipientState.load(state_dir), []
    for number in pending(feed, state.release):
        done.append(state.apply(feed.release_dir(number), number))
        state.save(state_dir)
        report(done[-1].line(len(state.records)))
    return done


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("feed", metavar="FEED_DIR", help="the feed folder as the recipient receives it (current, releases/), "
                                                    "or its gs:// or s3:// URL")
    p.add_argument("--into", required=True, metavar="STATE_DIR",
                   help="the recipient's state: STATE_DIR/state.jsonl, made at the first release")


def command(args, beam_args=None) -> int:
    FileSystems.set_options(PipelineOptions(beam_args or []))
    state_dir = Path(args.into)
    try:
        apply_releases(args.feed, state_dir)
    except LocationError as exc:
        print(f"feedshield apply-release: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    except ApplyError as exc:
        print(f"feedshield apply-release: {exc}; the state holds the last release applied before it",
              file=sys.stderr)
        return exit_codes.VERIFICATION
    state = RecipientState.load(state_dir)
    print(f"{state_dir / STATE}: release {state.release}, {len(state.records)} records")
    return exit_codes.OK

