"""Writing a run's outputs into its staging folder, deterministically.

Each element goes to a shard chosen from its input position (not from the
worker that handled it) and each shard is written sorted by input position,
so a re-run with the same inputs writes the same bytes, in-process or on
many workers.

Sorting must not hold the feed in memory: a worker sorts what it has seen
in runs of at most `RUN_LINES` lines and spills each run to a file; one
merge then streams all runs into the shards. Only run file names cross
the shuffle. A retried bundle's runs are never named to the merge, and the
merge removes the whole runs folder. Publishing (moving staging into
place) is the driver's job.
"""
import heapq
import json
import uuid
import zlib

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.window import GlobalWindows

from redaction_rules.feed_format import feed_line

RUN_LINES = 2000


def shard_name(shard: int, shards: int) -> str:
    return f"part-{shard:05d}-of-{shards:05d}.jsonl"


def shard_of(src: tuple[int, int], shards: int) -> int:
    return zlib.crc32(repr(src).encode()) % shards


class _SpillSortedRuns(beam.DoFn):
    """Lines as `file<TAB>line<TAB>json`: compact JSON holds no raw tab or newline."""

    def __init__(self, runs_dir: str, to_json, run_lines: int):
        self.runs_dir = runs_dir
        self.to_json = to_json
        self.run_lines = run_lines

    def start_bundle(self):
        self.buffer = []

    def process(self, element):
        index, number = element.src
        self.buffer.append((index, number, feed_line(self.to_json(element))))
        if len(self.buffer) >= self.run_lines:
            yield self._spill()

    def finish_bundle(self):
        if self.buffer:
            yield GlobalWindows.windowed_value(self._spill())

    def _spill(self) -> str:
        self.buffer.sort()
        path = FileSystems.join(self.runs_dir, f"run-{uuid.uuid4().hex}.tsv")
        with FileSystems.create(path) as handle:
            for index, number, line in self.buffer:
                handle.write(f"{index}\t{number}\t{line}\n".encode("utf-8"))
        self.buffer = []
        return path


def _read_run(path: str):
    with FileSystems.open(path) as handle:
        for raw in iter(handle.readline, b""):
            index, number, line = raw.decode("utf-8").split("\t", 2)
            yield int(index), int(number), line


class _MergeRuns(beam.DoFn):
    def __init__(self, directory: str, runs_dir: str, shards: int):
        self.directory = directory
        self.runs_dir = runs_dir
        self.shards = shards

    def process(self, runs: list[str]):
        paths = [FileSystems.join(self.directory, shard_name(s, self.shards)) for s in range(self.shards)]
        handles = [FileSystems.create(path) for path in paths]
        try:
            for index, number, line in heapq.merge(*(_read_run(run) for run in sorted(runs))):
                handles[shard_of((index, number), self.shards)].write(line.encode("utf-8"))
        finally:
            for handle in handles:
                handle.close()
        if FileSystems.exists(self.runs_dir):
            FileSystems.delete([self.runs_dir])
        yield from paths


class WriteShards(beam.PTransform):
    def __init__(self, directory: str, shards: int, to_json, runs_dir: str, run_lines: int = RUN_LINES):
        super().__init__()
        self.directory = directory
        self.shards = shards
        self.to_json = to_json
        self.runs_dir = runs_dir
        self.run_lines = run_lines

    def expand(self, elements):
        return (elements
                | "SpillSortedRuns" >> beam.ParDo(_SpillSortedRuns(self.runs_dir, self.to_json, self.run_lines))
                | "GatherRuns" >> beam.combiners.ToList()
                | "MergeRuns" >> beam.ParDo(_MergeRuns(self.directory, self.runs_dir, self.shards)))


class WriteJsonFile(beam.DoFn):
    """One small JSON file: a dict of key-value pairs, or (`sort`) a sorted list."""

    def __init__(self, path: str, sort: bool = False):
        self.path = path
        self.sort = sort

    def process(self, items):
        value = sorted(items) if self.sort else dict(sorted(items))
        with FileSystems.create(self.path) as handle:
            handle.write(json.dumps(value, indent=2).encode("utf-8"))
        yield self.path


class WriteTally(beam.PTransform):
    """Counts of each key, summed, as one small JSON object."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def expand(self, keyed_counts):
        return (keyed_counts
                | "Sum" >> beam.CombinePerKey(sum)
                | "Gather" >> beam.combiners.ToList()
                | "Write" >> beam.ParDo(WriteJsonFile(self.path)))
