"""Writing a run's outputs into its staging folder, deterministically.

Each element goes to a shard chosen from its input position (not from the
worker that handled it) and each shard is written sorted by input position,
so a re-run with the same inputs writes the same bytes, in-process or on
many workers, whatever the number of workers.

Sorting must not hold the feed in memory: a worker sorts what it has seen
in runs of at most `RUN_LINES` lines and spills each run to a file a
shard; each shard's runs are then merged into its file on whichever
worker the shard lands, so the shards are written in parallel. Only run
file names cross the shuffle. A retried bundle's runs are never named to
a merge, and the runs folder is removed once every shard is written.

Each shard's SHA-256 and line count are taken as it is written, so the
driver can prove the outputs in the manifest and the ledger without
reading them again. Publishing (moving staging into place) is the
driver's job.
"""
import hashlib
import heapq
import json
import uuid
import zlib

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.window import GlobalWindows

from pipelines import stored_files
from redaction_rules.feed_format import feed_line

RUN_LINES = 2000


def shard_name(shard: int, shards: int) -> str:
    return f"part-{shard:05d}-of-{shards:05d}.jsonl"


def shard_of(src: tuple[int, int], shards: int) -> int:
    return zlib.crc32(repr(src).encode()) % shards


class _SpillSortedRuns(beam.DoFn):
    """Lines as `file<TAB>line<TAB>json` (compact JSON holds no raw tab or newline), in sorted runs,
    one run file a shard at each spill; yields (shard, run file)."""

    def __init__(self, runs_dir: str, to_json, run_lines: int, shards: int):
        self.runs_dir = runs_dir
        self.to_json = to_json
        self.run_lines = run_lines
        self.shards = shards

    def start_bundle(self):
        self.buffer = []

    def process(self, element):
        index, number = element.src
        self.buffer.append((index, number, feed_line(self.to_json(element))))
        if len(self.buffer) >= self.run_lines:
            yield from self._spill()

    def finish_bundle(self):
        for shard_run in self._spill():
            yield GlobalWindows.windowed_value(shard_run)

    def _spill(self):
        by_shard = {}
        for item in sorted(self.buffer):
            by_shard.setdefault(shard_of(item[:2], self.shards), []).append(item)
        self.buffer = []
        for shard, items in sorted(by_shard.items()):
            path = FileSystems.join(self.runs_dir, f"run-{shard:05d}-{uuid.uuid4().hex}.tsv")
            with stored_files.create(path) as handle:
                for index, number, line in items:
                    handle.write(f"{index}\t{number}\t{line}\n".encode("utf-8"))
            yield shard, path


def _read_run(path: str):
    with FileSystems.open(path) as handle:
        for raw in iter(handle.readline, b""):
            index, number, line = raw.decode("utf-8").split("\t", 2)
            yield int(index), int(number), line


class _MergeShard(beam.DoFn):
    """One shard's runs merged into its file, where the shard lands: the shards are written in parallel."""

    def __init__(self, directory: str, shards: int):
        self.directory = directory
        self.shards = shards

    def process(self, shard_runs):
        shard, runs = shard_runs
        runs = sorted(run for run in runs if run is not None)
        path = FileSystems.join(self.directory, shard_name(shard, self.shards))
        digest, lines = hashlib.sha256(), 0
        with stored_files.create(path) as handle:
            for _, _, line in heapq.merge(*(_read_run(run) for run in runs)):
                data = line.encode("utf-8")
                handle.write(data)
                digest.update(data)
                lines += 1
        if runs:
            FileSystems.delete(runs)
        yield path, digest.hexdigest(), lines


class _RemoveRunsFolder(beam.DoFn):
    def __init__(self, runs_dir: str):
        self.runs_dir = runs_dir

    def process(self, written):
        if FileSystems.exists(self.runs_dir):
            FileSystems.delete([self.runs_dir])
        yield from sorted(written)


class WriteShards(beam.PTransform):
    """Every shard is named once even when it holds nothing, so that an empty shard is still written.
    Yields `(path, sha256, lines)` of each shard written."""

    def __init__(self, directory: str, shards: int, to_json, runs_dir: str, run_lines: int = RUN_LINES):
        super().__init__()
        self.directory = directory
        self.shards = shards
        self.to_json = to_json
        self.runs_dir = runs_dir
        self.run_lines = run_lines

    def expand(self, elements):
        runs = elements | "SpillSortedRuns" >> beam.ParDo(
            _SpillSortedRuns(self.runs_dir, self.to_json, self.run_lines, self.shards))
        every_shard = elements.pipeline | "EveryShard" >> beam.Create([(s, None) for s in range(self.shards)])
        return ((runs, every_shard)
                | "WithEveryShard" >> beam.Flatten()
                | "RunsByShard" >> beam.GroupByKey()
                | "MergeShard" >> beam.ParDo(_MergeShard(self.directory, self.shards))
                | "GatherShards" >> beam.combiners.ToList()
                | "RemoveRuns" >> beam.ParDo(_RemoveRunsFolder(self.runs_dir)))


class WriteJsonFile(beam.DoFn):
    """One small JSON file: a dict of key-value pairs, or (`sort`) a sorted list."""

    def __init__(self, path: str, sort: bool = False):
        self.path = path
        self.sort = sort

    def process(self, items):
        value = sorted(items) if self.sort else dict(sorted(items))
        with stored_files.create(self.path) as handle:
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
