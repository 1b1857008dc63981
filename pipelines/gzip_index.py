"""Seek points into a gzip file, so that each of its chunks is read where it lands without
decompressing the file from its start.

A deflate stream can be entered only where the decompressor's state is known. `indexed_gzip` (zran)
records that state every `SPACING` bytes of content; the worker that proves a file writes its index
to the run's staging folder, and a worker reading a chunk loads the index once and decompresses at
most `SPACING` bytes before the chunk's first line. The index holds up to 32 KiB of decompressed
content a point, which is record text: it stays in the owner-only staging folder and goes with it.

The proof of the file (its end-of-stream marker and checksums) comes from the scan, which reads it
with Python's `gzip`: `indexed_gzip` reads a truncated file as a shorter one and does not check the
CRC, so it is used only for files the scan has read to their end.
"""
import contextlib
import io

from apache_beam.io.filesystems import CompressionTypes, FileSystems
from indexed_gzip import IndexedGzipFile

SPACING = 4 << 20  # bytes of content between seek points: the most a chunk decompresses before its start
SEEK_POINTS_DIR = "seek-points"


def indexable(path: str) -> bool:
    return CompressionTypes.detect_compression_type(path) == CompressionTypes.GZIP


def write_index(path: str, index_path: str) -> None:
    """The seek points of `path` into `index_path` (any FileSystems path)."""
    exported = io.BytesIO()
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as raw, \
            IndexedGzipFile(fileobj=raw, spacing=SPACING) as content:
        content.build_full_index()
        content.export_index(fileobj=exported)
    with FileSystems.create(index_path, mime_type="application/octet-stream",
                            compression_type=CompressionTypes.UNCOMPRESSED) as out:
        out.write(exported.getvalue())


class SeekPoints:
    """The last index a reader loaded: a worker's chunks of one file share it, so it is read once."""

    def __init__(self):
        self._path, self._index = None, b""

    def _load(self, index_path: str) -> bytes:
        if index_path != self._path:
            with FileSystems.open(index_path, compression_type=CompressionTypes.UNCOMPRESSED) as stored:
                self._path, self._index = index_path, stored.read()
        return self._index

    @contextlib.contextmanager
    def open_at(self, path: str, index_path: str, offset: int):
        """The content of gzip file `path`, positioned at byte `offset` of it."""
        index = self._load(index_path)
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as raw, \
                IndexedGzipFile(fileobj=raw, spacing=SPACING) as content:
            content.import_index(fileobj=io.BytesIO(index))
            content.seek(offset)
            yield content
