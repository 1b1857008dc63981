"""Input files: matched, read for their digests, record counts and chunks.

Done in the driver before the pipeline starts, so that a missing or corrupt
input stops the run (exit 5) before anything is written, and so that the
manifest can prove which bytes went into the feed.
"""
import lzma
import zlib
from dataclasses import dataclass

from apache_beam.io.filesystems import FileSystems

from pipelines.digests import sha256_and_lines
from pipelines.read import Chunk, UnsupportedCompression, scan


class InputError(Exception):
    pass


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str
    records: int
    chunks: tuple[Chunk, ...]


def resolve_inputs(pattern: str) -> list[InputFile]:
    try:
        matches = FileSystems.match([pattern])[0].metadata_list
    except Exception as exc:  # Beam raises its own error types per file system
        raise InputError(f"input {pattern}: cannot be listed ({type(exc).__name__})") from None
    paths = sorted(m.path for m in matches if not m.path.endswith("/"))
    if not paths:
        raise InputError(f"input {pattern}: no file matches")
    files = []
    for index, path in enumerate(paths):
        try:
            count, chunks = scan(index, path)
            files.append(InputFile(path, sha256_and_lines(path)[0], count, tuple(chunks)))
        except UnsupportedCompression as exc:
            raise InputError(f"input {path}: {exc}") from None
        except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
            raise InputError(f"input {path}: unreadable ({type(exc).__name__}: {getattr(exc, 'strerror', None) or 'corrupt or truncated'})") from None
    return files
