"""A gzip export is cut like a plain one and each chunk entered at its seek points, not decompressed
from the file's start; the proof still comes from Python's gzip, which refuses a truncated file."""
import base64
import bz2
import dataclasses
import gzip
import io
import os

import apache_beam as beam
import pytest
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines import gzip_index
from pipelines.inputs import InputError, InputFile
from pipelines.read import MAX_COMPRESSED_CHUNKS, iter_chunk, scan
from pipelines.read_csv import iter_csv_chunk, scan_csv
from pipelines.scan_inputs import FileLayout, ReadInputs, prove_and_cut
from redaction_rules.source_mapping import CsvOptions

# lines of base64 (which compresses little): the content spans several seek points
LINES = [b'{"n": %d, "text": "%s"}' % (i, base64.b64encode(os.urandom(2400))) for i in range(6000)]


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    content = b"\n".join(LINES) + b"\n"
    assert len(content) > 4 * gzip_index.SPACING
    (folder / "export.jsonl").write_bytes(content)
    (folder / "export.jsonl.gz").write_bytes(gzip.compress(content))
    return folder


class _Counted(io.RawIOBase):
    """A stored file that counts the bytes read from it."""

    def __init__(self, raw, counts):
        self.raw, self.counts = raw, counts

    def readable(self):
        return True

    def seekable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        buffer[:len(data)] = data
        self.counts.append(len(data))
        return len(data)

    def seek(self, offset, whence=0):
        return self.raw.seek(offset, whence)

    def tell(self):
        return self.raw.tell()


def test_a_gzip_file_is_cut_as_a_plain_one_and_every_chunk_reads_its_own_lines(exports, tmp_path):
    plain = FileLayout().prove(0, str(exports / "export.jsonl"), str(tmp_path / "plain-points"))
    sha256, records, chunks, _ = FileLayout().prove(0, str(exports / "export.jsonl.gz"), str(tmp_path / "points"))
    assert records == plain[1] == len(LINES) and len(chunks) == len(plain[2]) > MAX_COMPRESSED_CHUNKS
    assert {c.seek_points for c in chunks} == {str(tmp_path / "points" / "0.zran")}
    assert not any(c.seek_points for c in plain[2])
    points = gzip_index.SeekPoints()
    assert [line for c in chunks for line in iter_chunk(c, points)] == [line for c in plain[2] for line in iter_chunk(c)]


def test_the_last_chunk_decompresses_from_its_seek_point_not_from_the_start(exports, tmp_path, monkeypatch):
    _, _, chunks, _ = FileLayout().prove(0, str(exports / "export.jsonl.gz"), str(tmp_path / "points"))
    stored = (exports / "export.jsonl.gz").stat().st_size
    points = gzip_index.SeekPoints()
    list(iter_chunk(chunks[0], points))  # the index is loaded once, before counting
    counts, opened = [], FileSystems.open
    monkeypatch.setattr(FileSystems, "open", lambda path, **kw: _Counted(opened(path, **kw), counts))
    assert [n for n, _ in iter_chunk(chunks[-1], points)][-1] == len(LINES)
    assert 0 < sum(counts) < stored / 2


def test_a_gzip_csv_is_entered_at_its_seek_points_too(tmp_path):
    rows = [b"id,text"] + [b'%d,"%s"' % (i, base64.b64encode(os.urandom(1800))) for i in range(8000)]
    path = tmp_path / "export.csv.gz"
    path.write_bytes(gzip.compress(b"\r\n".join(rows) + b"\r\n"))
    records, chunks = scan_csv(0, str(path), CsvOptions(), ["id", "text"], indexed=True)
    assert records == 8000 and len(chunks) == 16
    gzip_index.write_index(str(path), str(tmp_path / "0.zran"))
    indexed = [dataclasses.replace(c, seek_points=str(tmp_path / "0.zran")) for c in chunks]
    points = gzip_index.SeekPoints()
    assert [r for c in indexed for r in iter_csv_chunk(c, points)] == [r for c in chunks for r in iter_csv_chunk(c)]


def test_a_truncated_gzip_file_is_refused_by_the_scan_before_any_seek_point_is_made(exports, tmp_path):
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes((exports / "export.jsonl.gz").read_bytes()[:-5000])
    with pytest.raises(InputError, match="unreadable"):
        prove_and_cut(FileLayout(), 0, str(cut), str(tmp_path / "points"))
    assert not (tmp_path / "points").exists()


def test_a_bz2_file_has_no_seek_points_and_few_chunks(tmp_path):
    path = tmp_path / "export.jsonl.bz2"
    path.write_bytes(bz2.compress(b"\n".join(b'{"n": %d}' % i for i in range(5000)) + b"\n"))
    _, _, chunks, _ = FileLayout().prove(0, str(path), str(tmp_path / "points"))
    assert 1 < len(chunks) <= MAX_COMPRESSED_CHUNKS and not any(c.seek_points for c in chunks)
    assert scan(0, str(path))[0] == 5000


def test_the_pipeline_reads_a_gzip_file_through_the_seek_points_its_workers_wrote(exports, tmp_path):
    staging = tmp_path / "staging"
    staging.mkdir()
    inputs = (InputFile(str(exports / "export.jsonl.gz"), None, None, ()),)
    with TestPipeline(options=PipelineOptions(["--runner=FnApiRunner"])) as p:
        read = p | ReadInputs(inputs, str(staging))
        assert_that(read["elements"] | beam.Map(lambda line: line.src), equal_to(
            [(0, n) for n in range(1, len(LINES) + 1)]))
    assert (staging / gzip_index.SEEK_POINTS_DIR / "0.zran").is_file()
