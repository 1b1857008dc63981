"""`feedshield watch`: an ongoing feed from a drop folder, one increment per batch of new exports.

Every `--every` it lists the drop folder, takes the files that have settled
(unchanged for `--settle`, not hidden, not `.part`/`.tmp`), leaves out every
file whose sha256 a committed release of the feed already read (the ledger
keeps each release's inputs with their digests, so a file is never
processed twice, whatever its name, across restarts), and makes one
incremental release of the rest with `feedshield run`'s own code.

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
from pipelines.releases import FeedFolder

SKIPPED_SUFFIXES = (".part", ".tmp", ".partial")
RETRY = (exit_codes.INPUT, exit_codes.VERIFICATION, exit_codes.FAILED)  # the data's problems: try again later


def read_digests(ledger_url: str | None, out: Path) -> set[str]:
    """The sha256 of every input a committed release of the feed read."""
    folder = FeedFolder(out)
    if not (out / "feed-id").is_file():
        return set()
    ledger = Ledger(ledger_url or default_url(out), create=False)
    try:
        return {i["sha256"] for r in ledger.releases(folder.feed_id()) if r.status == "committed"
                for i in r.body["inputs"]}
    finally:
        ledger.close()


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

    def request(self, batch: list[str]) -> RunRequest:
        given = {f.name: getattr(self.args, f.name) for f in fields(RunRequest) if hasattr(self.args, f.name)}
        return RunRequest(**{**given, "input": tuple(batch), "incremental": True})

    def once(self) -> int | None:
        """One look: the exit code that ends the watch, or None to look again later."""
        from pipelines.run import execute, report_result
        drop, out = Path(self.args.drop), Path(self.args.output)
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
        code = report_result(execute(self.request(batch), self.beam_args))
        if code in RETRY and not self.args.once:
            self.log.warning(f"the batch was not published (exit {code}): its files are tried again at the "
                             "next look", extra={"stage": "watch"})
            return None
        return None if code == exit_codes.OK else code

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
