"""Writing a run's outputs into its staging folder, deterministically.

Each element goes to a shard chosen from its input position (not from the
worker that handled it) and each shard is written sorted by input position,
so a re-run with the same inputs writes the same bytes, in-process or on
many workers. Publishing (moving staging into place) is the driver's job.
"""
import json
import zlib

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems


def shard_name(shard: int, shards: int) -> str:
    return f"part-{shard:05d}-of-{shards:05d}.jsonl"


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class _WriteShard(beam.DoFn):
    def __init__(self, directory: str, shards: int):
        self.directory = directory
        self.shards = shards

    def process(self, keyed):
        shard, lines = keyed
        path = FileSystems.join(self.directory, shard_name(shard, self.shards))
        with FileSystems.create(path) as handle:
            for _, line in sorted(lines):
                handle.write(line.encode("utf-8"))
        yield path


class WriteShards(beam.PTransform):
    def __init__(self, directory: str, shards: int, to_json):
        super().__init__()
        self.directory = directory
        self.shards = shards
        self.to_json = to_json

    def expand(self, elements):
        shards, to_json = self.shards, self.to_json

        def keyed_line(e):
            # only the finished line crosses the shuffle, not the element that made it
            src = tuple(e["src"])
            return zlib.crc32(repr(src).encode()) % shards, (src, _dumps(to_json(e)) + "\n")

        return (elements
                | "AssignShard" >> beam.Map(keyed_line)
                | "GroupShard" >> beam.GroupByKey()
                | "WriteShard" >> beam.ParDo(_WriteShard(self.directory, shards)))


class _WriteJson(beam.DoFn):
    def __init__(self, path: str):
        self.path = path

    def process(self, pairs):
        with FileSystems.create(self.path) as handle:
            handle.write(json.dumps(dict(sorted(pairs)), indent=2).encode("utf-8"))
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
                | "Write" >> beam.ParDo(_WriteJson(self.path)))
