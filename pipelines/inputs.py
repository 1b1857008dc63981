"""Inputs: the files a pattern matches, listed; a database's catalogue, checked.

Files (JSON Lines, a mapped CSV or Parquet export) are only listed here:
the workers prove and cut them (`scan_inputs`), so that the driver reads
no record bytes. Of a database only the catalogue is checked here; the
workers list its keys and prove its rows as they read them. Either way a
missing or corrupt input stops the run with exit 5 and nothing is
published, and the manifest proves which bytes went into the feed.
"""
import lzma
import zlib
from contextlib import contextmanager
from dataclasses import dataclass

from apache_beam.io.filesystems import FileSystems

from pipelines.read import UnsupportedCompression
from pipelines.read_csv import CsvUnreadable
from pipelines.read_parquet import ParquetUnreadable
from pipelines.read_sql import Poll, SqlUnreadable, check_database, check_url, safe_url
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
        check_database(url, mapping)
    except SqlUnreadable as exc:
        raise InputError(f"input {safe_url(url)}: {exc}") from None
    table = mapping.sql.record.table or "the record query"
    return InputFile(shown, None, None, (), f"record {{}} of {_escaped(table)} in {_escaped(shown)}", window)


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str | None  # None until the workers have proved the file
    records: int | None
    chunks: tuple  # where this process cut the input (`scan_inputs.proved_here`); empty where the workers do
    place: str = ""  # where position {} of this input is, in messages: "line {} of file x.jsonl"
    window: Poll | None = None  # a database polled by its updated_at column

    def where(self, position: int) -> str:
        return self.place.format(position)


def described(pattern: str | tuple[str, ...]) -> str:
    return pattern if isinstance(pattern, str) else f"{len(pattern)} file(s) from {pattern[0].rsplit('/', 1)[0] or '/'}"


def resolve_inputs(pattern: str | tuple[str, ...], mapping: SourceMapping | None = None,
                   window: Poll | None = None) -> list[InputFile]:
    """Every file the pattern matches (or the files named, as `watch` names a batch), or for a database
    mapping the database at the URL the pattern is: not yet proved (the workers read them)."""
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
    """The inputs with the digests and record counts the workers found, `(index, sha256, records, latest)`
    each (`latest`: a polled database's newest `updated_at`); an input proved already keeps its own."""
    found = {index: (sha256, records, latest) for index, sha256, records, latest in proofs}
    return tuple(f if f.sha256 is not None or i not in found else
                 InputFile(f.path, found[i][0], found[i][1], f.chunks, f.place,
                           Poll(f.window.after, found[i][2]) if f.window else None) for i, f in enumerate(files))
