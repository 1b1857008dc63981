"""Inputs: the files a pattern matches, listed; a database, scanned.

Files (JSON Lines, a mapped CSV or Parquet export) are only listed here:
the workers prove and cut them (`scan_inputs`), so that the driver reads
no record bytes. A database is scanned here for its key ranges and digest
before the pipeline starts. Either way a missing or corrupt input stops
the run with exit 5 and nothing is published, and the manifest proves
which bytes went into the feed.
"""
import lzma
import zlib
from contextlib import contextmanager
from dataclasses import dataclass

from apache_beam.io.filesystems import FileSystems

from pipelines.read import UnsupportedCompression
from pipelines.read_csv import CsvUnreadable
from pipelines.read_parquet import ParquetUnreadable
from pipelines.read_sql import Poll, SqlUnreadable, check_url, safe_url, scan_sql
from redaction_rules.source_mapping import SourceMapping


class InputError(Exception):
    pass


@contextmanager
def reading(path: str):
    """Reading an input file: any failure to read it is an InputError that names the file and the kind of
    failure, never a byte of it."""
    try:
        yield
    except (UnsupportedCompression, CsvUnreadable, ParquetUnreadable) as exc:
        raise InputError(f"input {path}: {exc}") from None
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
        why = getattr(exc, "strerror", None) or "corrupt or truncated"
        raise InputError(f"input {path}: unreadable ({type(exc).__name__}: {why})") from None


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _database(url: str, mapping: SourceMapping, window: Poll | None) -> "InputFile":
    if window is not None and not mapping.sql.updated_at:
        raise InputError(f"input {safe_url(url)}: the mapping {mapping.id} names no sql.updated_at column to poll by")
    try:
        check_url(url)
        shown = safe_url(url)
        count, chunks, digest, window = scan_sql(0, url, mapping, window=window)
    except SqlUnreadable as exc:
        raise InputError(f"input {safe_url(url)}: {exc}") from None
    table = mapping.sql.record.table or "the record query"
    return InputFile(shown, digest, count, tuple(chunks), f"record {{}} of {_escaped(table)} in {_escaped(shown)}",
                     window)


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str | None  # None until the workers have proved the file
    records: int | None
    chunks: tuple  # planned in the driver; empty where the workers cut the file
    place: str = ""  # where position {} of this input is, in messages: "line {} of file x.jsonl"
    window: Poll | None = None  # a database polled by its updated_at column

    def where(self, position: int) -> str:
        return self.place.format(position)


def described(pattern: str | tuple[str, ...]) -> str:
    return pattern if isinstance(pattern, str) else f"{len(pattern)} file(s) from {pattern[0].rsplit('/', 1)[0] or '/'}"


def resolve_inputs(pattern: str | tuple[str, ...], mapping: SourceMapping | None = None,
                   window: Poll | None = None) -> list[InputFile]:
    """Every file the pattern matches (or the files named, as `watch` names a batch), not yet proved;
    for a database mapping, the database at the URL the pattern is, scanned."""
    if mapping is not None and mapping.format == "sql":
        return [_database(pattern, mapping, window)]
    if isinstance(pattern, tuple):
        paths = sorted(pattern)
    else:
        try:
            matches = FileSystems.match([pattern])[0].metadata_list
        except Exception as exc:  # Beam raises its own error types per file system
            raise InputError(f"input {pattern}: cannot be listed ({type(exc).__name__})") from None
        paths = sorted(m.path for m in matches if not m.path.endswith("/"))
    if not paths:
        raise InputError(f"input {described(pattern)}: no file matches")
    unit = "row" if mapping is not None and mapping.format == "parquet" else "line"
    return [InputFile(path, None, None, (), f"{unit} {{}} of file {_escaped(path)}") for path in paths]


def proved(files: tuple[InputFile, ...], proofs: list) -> tuple[InputFile, ...]:
    """The files with the digests and record counts the workers found, `(index, sha256, records)` each;
    a file the driver scanned itself keeps its own."""
    found = {index: (sha256, records) for index, sha256, records in proofs}
    return tuple(f if f.sha256 is not None or i not in found else
                 InputFile(f.path, *found[i], f.chunks, f.place, f.window) for i, f in enumerate(files))
