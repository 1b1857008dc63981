"""How far a run has got, while it runs.

Beam's local runner gives its counters back only when the pipeline ends,
and its `run()` returns only then. A runner whose `run()` returns while
the job is still running (Dataflow's) serves its counters live: the
watcher then reads them (`runner_counts`). Otherwise the workers say it
themselves: a counting step (`CountProgress`) beside each place where
records' fate is decided keeps a `Beacon`, which rewrites a small JSON
file of its counts in the run's staging folder at most every
`Beacon.EVERY` seconds (and when its bundle ends). The driver's `ProgressWatcher` sums those files once a
second: a live bar on a terminal (tqdm), or a log line every
`--progress-every` on anything else (cron, systemd, Airflow). The files
hold counts only, go through Beam's `FileSystems`, and are removed with
staging. Counts from a retried bundle may be counted twice; the manifest's
counts, not these, are the run's account.
"""
import json
import threading
import time
import uuid

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from pipelines import stored_files

PROGRESS_DIR = "_progress"
READ, PUBLISHED, WITHHELD = "read", "published", "withheld"
INPUT = "input"  # records the workers found in the files they proved: the total, where the driver does not know it


def _zero() -> dict[str, int]:
    return {INPUT: 0, READ: 0, PUBLISHED: 0, WITHHELD: 0}


class Beacon:
    EVERY = 2.0

    def __init__(self, staging: str):
        self.path = FileSystems.join(staging, PROGRESS_DIR, f"{uuid.uuid4().hex}.json")
        self.counts = _zero()
        self.written = 0.0

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] += n
        if time.monotonic() - self.written >= self.EVERY:
            self.flush()

    def flush(self) -> None:
        self.written = time.monotonic()
        try:
            with stored_files.create(self.path) as handle:
                handle.write(json.dumps(self.counts).encode("utf-8"))
        except Exception:  # progress must never fail a run
            pass


def read_beacons(staging: str) -> dict[str, int]:
    total = _zero()
    try:
        matches = FileSystems.match([FileSystems.join(staging, PROGRESS_DIR, "*.json")])[0].metadata_list
    except Exception:
        return total
    for match in matches:
        try:
            with FileSystems.open(match.path) as handle:
                counts = json.loads(handle.read())
        except Exception:  # a file being rewritten: its counts come next time
            continue
        for name in total:
            total[name] += int(counts.get(name, 0))
    return total


def runner_counts(result) -> dict[str, int] | None:
    """The job's own feedshield counters, from a runner that serves them while it runs; None if it does not."""
    from apache_beam.metrics.metric import MetricsFilter
    try:
        counters = result.metrics().query(MetricsFilter().with_namespace("feedshield"))["counters"]
    except Exception:
        return None
    total = _zero()
    for counter in counters:
        name, value = counter.key.metric.name, int(counter.attempted or 0)
        if name == "input_lines":
            total[READ] += value
        elif name == "input_records":
            total[INPUT] += value
        elif name == "published":
            total[PUBLISHED] += value
        elif name == "dead_lettered" or name.startswith(("excluded_", "quarantined_")):
            total[WITHHELD] += value
    return total if any(total.values()) else None


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


def describe(counts: dict[str, int], total: int, elapsed: float) -> str:
    rate = counts[PUBLISHED] + counts[WITHHELD]
    rate = rate / elapsed if elapsed > 0 else 0.0
    line = (f"progress: read {counts[READ]:,} of {total:,} records, published {counts[PUBLISHED]:,}, "
            f"withheld {counts[WITHHELD]:,}, {rate:,.1f} records/s")
    left = total - counts[PUBLISHED] - counts[WITHHELD]
    if rate > 0 and left > 0:
        line += f", about {_duration(left / rate)} left"
    return line


class ProgressWatcher:
    """A thread for the length of a run: a bar on a terminal, log lines elsewhere."""

    def __init__(self, staging: str, total: int | None, stream, every: float, log, poll: float = 1.0):
        """`total`: the input's records, or None where the workers count them as they prove the files."""
        self.staging, self.total, self.stream, self.every, self.log, self.poll = staging, total, stream, every, log, poll
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="feedshield-progress", daemon=True)
        self.bar = None
        self.result = None  # set once a runner hands back a result while its job still runs

    def _counts(self) -> dict[str, int]:
        live = runner_counts(self.result) if self.result is not None else None
        return live or read_beacons(self.staging)

    def _is_terminal(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    def __enter__(self):
        self.started = time.monotonic()
        if self._is_terminal():
            from tqdm import tqdm
            self.bar = tqdm(total=self.total, file=self.stream, unit="rec", dynamic_ncols=True, leave=False,
                            desc="feedshield")
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join()
        if self.bar is not None:
            self.bar.close()

    def _watch(self):
        last_line = self.started
        while not self.stop_event.wait(self.poll):
            counts = self._counts()
            total = self.total if self.total is not None else counts[INPUT]
            now = time.monotonic()
            if self.bar is not None:
                self.bar.total = total
                self.bar.n = counts[PUBLISHED] + counts[WITHHELD]
                self.bar.set_postfix(read=counts[READ], published=counts[PUBLISHED], withheld=counts[WITHHELD],
                                     refresh=False)
                self.bar.refresh()
            elif now - last_line >= self.every:
                last_line = now
                self.log.info(describe(counts, total, now - self.started),
                              extra={"stage": "progress", "counts": counts})


class _Count(beam.DoFn):
    def __init__(self, staging: str, name: str, passthrough: bool):
        self.staging, self.name, self.passthrough = staging, name, passthrough

    def setup(self):
        self.beacon = Beacon(self.staging)

    def process(self, element):
        self.beacon.add(self.name)
        if self.passthrough:
            yield element

    def finish_bundle(self):
        self.beacon.flush()


class CountProgress(beam.PTransform):
    """Counts a stream into a beacon where its records' fate is decided, so that the count is live.

    Applied to a stream its producer is fused with, it runs as records flow
    (after a Flatten the runner may wait for every input to finish first).
    With `passthrough` the stream goes on unchanged; otherwise this is a
    side branch that emits nothing.
    """

    def __init__(self, staging: str, name: str, passthrough: bool = False):
        super().__init__()
        self.staging, self.name, self.passthrough = staging, name, passthrough

    def expand(self, pcoll):
        return pcoll | "Count" >> beam.ParDo(_Count(self.staging, self.name, self.passthrough))
