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
from pipelines.read import UnsupportedCompression, scan
from pipelines.read_csv import CsvUnreadable, scan_csv
from pipelines.read_parquet import ParquetUnreadable, scan_parquet
from pipelines.read_sql import Poll, SqlUnreadable, check_url, safe_url, scan_sql
from redaction_rules.source_mapping import SourceMapping


class InputError(Exception):
    pass


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
    sha256: str
    records: int
    chunks: tuple
    place: str = ""  # where position {} of this input is, in messages: "line {} of file x.jsonl"
    window: Poll | None = None  # a database polled by its updated_at column

    def where(self, position: int) -> str:
        return self.place.format(position)


def described(pattern: str | tuple[str, ...]) -> str:
    return pattern if isinstance(pattern, str) else f"{len(pattern)} file(s) from {pattern[0].rsplit('/', 1)[0] or '/'}"


def resolve_inputs(pattern: str | tuple[str, ...], mapping: SourceMapping | None = None,
                   window: Poll | None = None) -> list[InputFile]:
    """Every file the pattern matches (or the files named, as `watch` names a batch), scanned as the
    spec's JSON Lines or, with a mapping, as its format; for a database mapping, the database at the
    URL the pattern is."""
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
    files = []
    for index, path in enumerate(paths):
        try:
            unit = "line"
            if mapping is None:
                count, chunks = scan(index, path)
            elif mapping.format == "parquet":
                count, chunks, _ = scan_parquet(index, path, mapping.columns, mapping.group_by)
                unit = "row"
            else:
                count, chunks = scan_csv(index, path, mapping.csv, mapping.columns, mapping.group_by)
            files.append(InputFile(path, sha256_and_lines(path)[0], count, tuple(chunks),
                                   f"{unit} {{}} of file {_escaped(path)}"))
        except (UnsupportedCompression, CsvUnreadable, ParquetUnreadable) as exc:
            raise InputError(f"input {path}: {exc}") from None

        except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
            raise InputError(f"input {path}: unreadable ({type(exc).__name__}: {getattr(exc, 'strerror', None) or 'corrupt or truncated'})") from None
    return files
