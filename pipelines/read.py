"""Stage 1: JSON Lines in, one element a line, with its file and line number.

Files are cut into chunks of lines where they land (`scan_inputs`), so that
only the small chunk descriptions cross a shuffle: each worker then reads
its chunks and streams every line through the fused stages that follow.
Shuffling the lines themselves would make the runner hold the whole input
in memory. A gzip file is entered in the middle at the seek points its
scan recorded (`gzip_index`), so its chunks are as many as a plain
file's; a bz2 or xz file cannot be, so a chunk of one is reached by
decompressing from the start, and its chunks are fewer and larger to
bound that cost.

Compressed files are read with Python's own `gzip`, `bz2` and `lzma`, not
Beam's `CompressedFile`: Beam's stops quietly where a truncated file ends,
so a `.gz` cut in half read as half the records with nothing said, while
Python's raise at the missing end-of-stream marker or a bad checksum, and
the run stops with exit 5 and nothing is published.
"""
import bz2
import contextlib
import gzip
import hashlib
import io
import lzma
from dataclasses import dataclass

import apache_beam as beam
from apache_beam.io.filesystems import CompressionTypes, FileSystems
from apache_beam.metrics import Metrics

from pipelines.elements import Line
from pipelines.gzip_index import SeekPoints

LINES_PER_CHUNK = 500
MAX_COMPRESSED_CHUNKS = 8
BLOCK = 1 << 20


@dataclass(frozen=True)
class Chunk:
    """`lines` physical lines of file `index`, the first one numbered `first_line`,
    starting at byte `offset` of the (decompressed) content; `seek_points`: the index to enter
    a gzip file there by (`gzip_index`)."""
    index: int
    path: str
    offset: int
    first_line: int
    lines: int
    seek_points: str | None = None


BOM = b"\xef\xbb\xbf"
_DECOMPRESSORS = {CompressionTypes.GZIP: lambda raw: gzip.GzipFile(fileobj=raw, mode="rb"),
                  CompressionTypes.BZIP2: lambda raw: bz2.BZ2File(raw, mode="rb"),
                  CompressionTypes.LZMA: lambda raw: lzma.LZMAFile(raw, mode="rb")}
SUPPORTED_COMPRESSION = ".gz, .bz2, .xz or .lzma"


class UnsupportedCompression(ValueError):
    pass


def _is_compressed(path: str) -> bool:
    return CompressionTypes.detect_compression_type(path) != CompressionTypes.UNCOMPRESSED


class _Proving(io.RawIOBase):
    """The stored bytes, into `digest` as they are read: a file is proved in the pass that cuts it."""

    def __init__(self, raw, digest):
        self.raw, self.digest = raw, digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        buffer[:len(data)] = data
        self.digest.update(data)
        return len(data)

    def drain(self) -> None:
        """What the reader left after its last line (a decompressor's trailer, say) is stored bytes too."""
        for block in iter(lambda: self.raw.read(BLOCK), b""):
            self.digest.update(block)


@contextlib.contextmanager
def _open(path: str, digest=None):
    """The file's content, decompressed; with `digest` (a hashlib object), its stored bytes, every
    one of them, go into the digest as well."""
    kind = CompressionTypes.detect_compression_type(path)
    if kind != CompressionTypes.UNCOMPRESSED and kind not in _DECOMPRESSORS:
        raise UnsupportedCompression(f"{kind} compression is not read (only {SUPPORTED_COMPRESSION})")
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as raw:
        source = raw if digest is None else _Proving(raw, digest)
        if kind in _DECOMPRESSORS:
            yield _DECOMPRESSORS[kind](source)
        else:
            yield source if digest is None else io.BufferedReader(source, BLOCK)
        if digest is not None:
            source.drain()


@contextlib.contextmanager
def open_at(path: str, offset: int, seek_points: str | None, points: SeekPoints | None):
    """The content of a file from byte `offset` on: through its seek points where it has them."""
    if seek_points:
        with (points or SeekPoints()).open_at(path, seek_points, offset) as handle:
            yield handle
        return
    with _open(path) as handle:
        if offset:
            handle.seek(offset)  # a compressed file decompresses up to here
        yield handle


def thinned(path: str, starts: list, indexed: bool) -> list:
    """Where chunks start, fewer of them for a compressed file without seek points: each such chunk
    decompresses from the file's start."""
    if _is_compressed(path) and not indexed and len(starts) > MAX_COMPRESSED_CHUNKS:
        return starts[::-(-len(starts) // MAX_COMPRESSED_CHUNKS)]
    return starts


def _physical_lines(handle):
    return iter(handle.readline, b"")


def _content(number: int, raw: bytes) -> bytes:
    """A line without its end, and without the byte-order mark an editor may put before line 1."""
    if number == 1 and raw.startswith(BOM):
        raw = raw[len(BOM):]
    return raw.rstrip(b"\r\n")


def scan(index: int, path: str, lines_per_chunk: int = LINES_PER_CHUNK, digest=None,
         indexed: bool = False) -> tuple[int, list[Chunk]]:
    """One pass over a file: how many records it holds, and its chunks (and with `digest`, its stored
    bytes); `indexed`: the file will have seek points, so its chunks need not be fewer."""
    starts, records, offset, number = [], 0, 0, 0
    with _open(path, digest) as handle:
        for raw in _physical_lines(handle):
            if number % lines_per_chunk == 0:
                starts.append((offset, number + 1))
            number += 1
            offset += len(raw)
            records += bool(_content(number, raw).strip())
    starts = thinned(path, starts, indexed)
    bounds = [first for _, first in starts[1:]] + [number + 1]
    chunks = [Chunk(index, path, off, first, end - first) for (off, first), end in zip(starts, bounds)]
    return records, chunks


def iter_chunk(chunk: Chunk, points: SeekPoints | None = None):
    """(line number, raw bytes) of every non-blank line of a chunk; blank lines are not records."""
    with open_at(chunk.path, chunk.offset, chunk.seek_points, points) as handle:
        for number, raw in enumerate(_physical_lines(handle), start=chunk.first_line):
            if number >= chunk.first_line + chunk.lines:
                break
            line = _content(number, raw)
            if line.strip():
                yield number, line


class RecordCounter:
    """Records of a file: one a row, or one a distinct key; a row without a key is one of its own.

    Keys are kept as 16-byte digests, so a file of millions of records is counted in little memory.
    """

    def __init__(self):
        self.alone, self.keys = 0, set()

    def add(self, key: str | None) -> None:
        key = (key or "").strip()
        if key:
            self.keys.add(hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest())
        else:
            self.alone += 1

    @property
    def count(self) -> int:
        return self.alone + len(self.keys)


def lines_of(chunk: Chunk, points: SeekPoints | None = None):
    for number, raw in iter_chunk(chunk, points):
        yield Line((chunk.index, number), raw)


class ReadEach(beam.DoFn):
    """The elements of each chunk, as `elements_of(chunk, points)` reads them where the chunk lands."""

    def __init__(self, elements_of):
        self.elements_of = elements_of
        self.lines = Metrics.counter("feedshield", "input_lines")

    def setup(self):
        self.points = SeekPoints()

    def process(self, chunk):
        for element in self.elements_of(chunk, self.points):
            self.lines.inc()
            yield element


class ReadChunks(beam.PTransform):
    """Chunks the driver planned, spread over the workers, each read by `reader` where it lands:
    Create shuffles its elements, so the chunks cross the shuffle, never the records."""

    def __init__(self, chunks: list, reader: beam.DoFn, element_type: type):
        super().__init__()
        self.chunks = chunks
        self.reader = reader
        self.element_type = element_type

    def expand(self, pbegin):
        return (pbegin
                | "Chunks" >> beam.Create(self.chunks)
                | "ReadChunks" >> beam.ParDo(self.reader).with_output_types(self.element_type))


def ReadJsonLines(chunks: list[Chunk]) -> ReadChunks:  # noqa: N802 (a transform, named as one)
    return ReadChunks(chunks, ReadEach(lines_of), Line)
