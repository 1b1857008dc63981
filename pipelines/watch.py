"""`feedshield watch`: an ongoing feed from a drop folder or a database, one increment per batch.

Every `--every` it lists the drop folder, takes the files that have settled
(unchanged for `--settle`, not hidden, not `.part`/`.tmp`), leaves out every
file whose sha256 a committed release of the feed already read (the ledger
keeps each release's inputs with their digests, so a file is never
processed twice, whatever its name, across restarts), and makes one
incremental release of the rest with `feedshield run`'s own code.

With `--input URL` and a SQL mapping that names `sql.updated_at`, it polls
the database instead: each release reads the records updated after the
newest `updated_at` the last release read (kept in the ledger with that
release's inputs), as changed rows (`--changes-only`); the first release,
and the first under new terms, reads them all.

SIGTERM or SIGINT stops it between releases: a release under way finishes
and is committed first. A problem with the data (exit 1, 4 or 5: a bad
export, too many dead letters, a job that failed) is logged and the files are
tried again at the next look (with `--once`, the exit code says it); a
problem with the setup (an invalid or expired contract, a missing
model, an unusable ledger: exit 2, 3, 6 or 8) stops the watch with that exit
code, since every later batch would meet it too.
"""
import hashlib
import signal
import threading
import time
from dataclasses import fields
from pathlib import Path

from ledger.store import Ledger, LedgerError, default_url
from pipelines import exit_codes, logs
from pipelines.options import RunRequest
from pipelines import stored_files
from pipelines.locations import LocationError
from pipelines.object_feed import StateMissing, feed_folder
from pipelines.releases import FEED_ID, FeedFolder

SKIPPED_SUFFIXES = (".part", ".tmp", ".partial")
RETRY = (exit_codes.INPUT, exit_codes.VERIFICATION, exit_codes.FAILED)  # the data's problems: try again later


def committed_releases(ledger_url: str | None, out: FeedFolder) -> list:
    """The feed's committed releases, oldest first (none before its first run)."""
    if not stored_files.exists(out.root / FEED_ID):
        return []
    ledger = Ledger(ledger_url or default_url(out.state), create=False)
    try:
        return [r for r in ledger.releases(out.feed_id()) if r.status == "committed"]
    finally:
        ledger.close()


def read_digests(ledger_url: str | None, out: FeedFolder) -> set[str]:
    """The sha256 of every input a committed release of the feed read."""
    return {i["sha256"] for r in committed_releases(ledger_url, out) for i in r.body["inputs"]}


def last_poll(ledger_url: str | None, out: FeedFolder) -> tuple[str | None, str | None]:
    """(terms, newest updated_at read) of the last committed release that polled a database."""
    for release in reversed(committed_releases(ledger_url, out)):
        polled = [i["updated"] for i in release.body["inputs"] if "updated" in i]
        if polled:
            return release.body.get("terms"), polled[0]["latest"]
    return None, None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def new_files(drop: Path, pattern: str, settle: float, done: set[str], now: float | None = None) -> list[str]:
    """The settled export files of the drop folder that no committed release read, each content once."""
    now = time.time() if now is None else now
    taken, seen = [], set()
    for path in sorted(drop.glob(pattern)):
        if (not path.is_file() or path.name.startswith(".") or path.name.endswith(SKIPPED_SUFFIXES)
                or now - path.stat().st_mtime < settle):
            continue
        digest = _sha256(path)
        if digest in done or digest in seen:
            continue
        seen.add(digest)
        taken.append(str(path.resolve()))
    return taken


class Watch:
    def __init__(self, args, beam_args: list[str]):
        self.args, self.beam_args = args, beam_args
        self.stopping = threading.Event()
        self.log = logs.logger()

    def stop(self, signum, _frame) -> None:
        if not self.stopping.is_set():
            self.log.warning(f"{signal.Signals(signum).name}: stopping after the release under way, if any",
                             extra={"stage": "watch"})
        self.stopping.set()

    def request(self, source, **more) -> RunRequest:
        given = {f.name: getattr(self.args, f.name) for f in fields(RunRequest) if hasattr(self.args, f.name)}
        return RunRequest(**{**given, "input": source, "incremental": True, **more})

    def release(self, request: RunRequest) -> int | None:
        from pipelines.run import execute, report_result
        code = report_result(execute(request, self.beam_args))
        if code in RETRY and not self.args.once:
            self.log.warning(f"the batch was not published (exit {code}): it is tried again at the next look",
                             extra={"stage": "watch"})
            return None
        return None if code == exit_codes.OK else code

    def once(self) -> int | None:
        """One look: the exit code that ends the watch, or None to look again later."""
        return self.poll() if self.args.drop is None else self.look()

    def feed_folder(self) -> FeedFolder | None:
        try:
            return feed_folder(self.args.output, self.args.state)
        except (LocationError, StateMissing) as exc:
            self.log.error(str(exc), extra={"stage": "watch"})
            return None

    def poll(self) -> int | None:
        """A database: the records updated since the newest `updated_at` the last release read, as
        changed rows; all of them at the first release, and whenever the terms changed."""
        from pipelines.read_sql import Poll, SqlUnreadable, latest_update, safe_url
        from pipelines.run import request_terms
        from redaction_rules.source_mapping import MappingError, load_mapping
        url, out = self.args.input, self.feed_folder()
        if out is None:
            return exit_codes.USAGE
        try:
            mapping = load_mapping(self.args.mapping).mapping if self.args.mapping else None
        except MappingError as exc:
            self.log.error(str(exc), extra={"stage": "watch"})
            return exit_codes.USAGE
        if mapping is None or mapping.format != "sql" or not mapping.sql.updated_at:
            self.log.error("watch --input polls a database: give a --mapping of format sql that names its "
                           "sql.updated_at column", extra={"stage": "watch"})
            return exit_codes.USAGE
        try:
            latest = latest_update(url, mapping) or None
            terms, seen = last_poll(self.args.ledger, out)
        except SqlUnreadable as exc:
            self.log.error(f"input {safe_url(url)}: {exc}", extra={"stage": "watch"})
            return None if not self.args.once else exit_codes.INPUT
        except (LedgerError, OSError) as exc:
            self.log.error(f"reading the last release failed ({type(exc).__name__})", extra={"stage": "watch"})
            return exit_codes.LEDGER
        same_terms = seen is not None and terms == request_terms(self.request(url))
        if latest is None or (same_terms and latest == seen):
            self.log.info(f"{safe_url(url)}: nothing updated", extra={"stage": "watch"})
            return None
        self.log.info(f"{safe_url(url)}: records updated" + (" since the last release" if same_terms else
                                                              " (all of them: a first release, or new terms)")
                      + ": making a release", extra={"stage": "watch"})
        return self.release(self.request(url, changes_only=same_terms, allow_empty=True,
                                         updated_window=Poll(seen if same_terms else None)))

    def look(self) -> int | None:
        """A drop folder: the settled files no committed release read."""
        drop, out = Path(self.args.drop), self.feed_folder()
        if out is None:
            return exit_codes.USAGE
        if not drop.is_dir():
            self.log.error(f"drop folder {drop}: not a folder", extra={"stage": "watch"})
            return exit_codes.USAGE
        try:
            batch = new_files(drop, self.args.pattern, self.args.settle, read_digests(self.args.ledger, out))
        except (LedgerError, OSError) as exc:
            self.log.error(f"reading what was already processed failed ({type(exc).__name__}: {exc})",
                           extra={"stage": "watch"})
            return exit_codes.LEDGER
        if not batch:
            self.log.info(f"{drop}: nothing new", extra={"stage": "watch"})
            return None
        self.log.info(f"{drop}: {len(batch)} new file(s): making a release", extra={"stage": "watch"})
        return self.release(self.request(tuple(batch)))

    def run(self) -> int:
        previous = {s: signal.signal(s, self.stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not self.stopping.is_set():
                code = self.once()
                if code is not None:
                    return code
                if self.args.once:
                    break
                self.stopping.wait(self.args.every)
            return exit_codes.OK
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)


def add_arguments(parser) -> None:
    from pipelines.options import add_run_arguments
    add_run_arguments(parser, watch=True)


def command(args, beam_args: list[str]) -> int:
    return Watch(args, beam_args).run()
