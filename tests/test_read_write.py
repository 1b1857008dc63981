"""Chunked reading and spilled, merged writing: the stages that keep a run's memory flat."""
import gzip
import hashlib
import json

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines.elements import Redacted
from pipelines.read import MAX_COMPRESSED_CHUNKS, ReadJsonLines, iter_chunk, scan
from pipelines.write import WriteJsonFile, WriteShards, shard_name, shard_of

LINES = [f'{{"n": {i}}}' if i % 7 else "   " for i in range(1, 1001)]  # every 7th line blank
EXPECTED = [(i, f'{{"n": {i}}}'.encode()) for i in range(1, 1001) if i % 7]


def pipeline():
    return TestPipeline(options=PipelineOptions(["--runner=FnApiRunner"]))


@pytest.fixture(params=["plain", "gzip", "crlf, no final newline"])
def export(request, tmp_path):
    if request.param == "gzip":
        path = tmp_path / "export.jsonl.gz"
        with gzip.open(path, "wt") as handle:
            handle.write("\n".join(LINES) + "\n")
    else:
        path = tmp_path / "export.jsonl"
        newline, end = ("\r\n", "") if request.param.startswith("crlf") else ("\n", "\n")
        path.write_bytes((newline.join(LINES) + end).encode())
    return str(path)


def test_chunks_cover_every_line_once_with_its_number(export):
    records, chunks = scan(3, export, lines_per_chunk=64)
    assert records == len(EXPECTED)
    assert [line for chunk in chunks for line in iter_chunk(chunk)] == EXPECTED
    assert {chunk.index for chunk in chunks} == {3}
    if export.endswith(".gz"):
        assert len(chunks) <= MAX_COMPRESSED_CHUNKS  # each one decompresses from the start
    else:
        assert len(chunks) == 16


def test_empty_file_has_no_records_and_reads_nothing(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    records, chunks = scan(0, str(tmp_path / "empty.jsonl"))
    assert records == 0 and [line for c in chunks for line in iter_chunk(c)] == []


def test_read_transform_yields_every_line_with_its_position(export):
    _, chunks = scan(0, export, lines_per_chunk=100)
    with pipeline() as p:
        lines = p | ReadJsonLines(chunks) | beam.Map(tuple)
        assert_that(lines, equal_to([((0, n), raw) for n, raw in EXPECTED]))


def _write(tmp_path, elements, shards, run_lines):
    with pipeline() as p:
        (p | beam.Create(elements, reshuffle=True)
           | WriteShards(str(tmp_path / "out"), shards, lambda e: e.output, str(tmp_path / "runs"), run_lines))
    return {path.name: path.read_text() for path in sorted((tmp_path / "out").iterdir())}


def test_each_shard_is_proved_as_it_is_written(tmp_path):
    elements = [Redacted((0, n), {}, {"n": n}, {}) for n in range(1, 120)]
    with pipeline() as p:
        (p | beam.Create(elements, reshuffle=True)
           | WriteShards(str(tmp_path / "out"), 4, lambda e: e.output, str(tmp_path / "runs"), 25)
           | beam.combiners.ToList()
           | beam.ParDo(WriteJsonFile(str(tmp_path / "written.json"), sort=True)))
    written = json.loads((tmp_path / "written.json").read_text())
    on_disk = sorted((str(path), hashlib.sha256(path.read_bytes()).hexdigest(), len(path.read_bytes().splitlines()))
                     for path in (tmp_path / "out").iterdir())
    assert [tuple(w) for w in written] == on_disk and sum(w[2] for w in written) == 119


def test_shards_are_sorted_by_input_position_whatever_the_runs(tmp_path):
    elements = [Redacted((f, n), {}, {"f": f, "n": n}, {}) for f in (1, 0) for n in range(250, 0, -1)]
    written = _write(tmp_path / "a", elements, shards=3, run_lines=17)
    assert not (tmp_path / "a" / "runs").exists()  # the merge removes its runs
    assert set(written) == {shard_name(s, 3) for s in range(3)}
    for shard in range(3):
        got = [tuple(json.loads(line).values()) for line in written[shard_name(shard, 3)].splitlines()]
        assert got == sorted((f, n) for f in (0, 1) for n in range(1, 251) if shard_of((f, n), 3) == shard)
    assert _write(tmp_path / "b", elements[::-1], shards=3, run_lines=1000) == written


def test_no_elements_still_writes_every_shard_empty(tmp_path):
    assert _write(tmp_path, [], shards=2, run_lines=10) == {shard_name(0, 2): "", shard_name(1, 2): ""}


def test_a_files_digest_and_line_count_are_read_in_blocks_not_held_in_memory(tmp_path):
    """Input files are proved, and a release is checked on repair, by hashing whole files: an export
    of years of records must not be read into memory whole."""
    import tracemalloc
    from pipelines.digests import BLOCK, sha256_and_lines
    feed = tmp_path / "part-00000-of-00001.jsonl"
    line = b'{"record_id":"R-1","narrative":"' + b"x" * 200 + b'"}\n'
    feed.write_bytes(line * 100_000)  # 21 MB
    tracemalloc.start()
    proof = sha256_and_lines(str(feed))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    data = feed.read_bytes()
    assert proof == (hashlib.sha256(data).hexdigest(), 100_000)
    assert peak < 4 * BLOCK
