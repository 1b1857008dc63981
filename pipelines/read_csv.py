"""CSV exports in, one element a row, with its file and the line the row starts on.

As with JSON Lines (`read.py`), a worker scans each file once and cuts it
(`scan_inputs`) into chunks of rows at byte offsets where a row starts, so that workers
read in parallel and only chunk descriptions cross the shuffle. Rows are
found with Python's `csv` reader, so a quoted field may hold the delimiter
and line ends; the scan follows the same reader, so a chunk never starts
inside a quoted field. A row keeps only the columns its mapping names:
the others are never read into the pipeline.

The scan also checks what would make every row wrong: a header without
a column the mapping reads, bytes that are not the declared encoding, a
quote left open at the end of the file. Each stops the run (exit 5) with
the file and line, and nothing is published.
"""
import csv
from dataclasses import dataclass

from pipelines.elements import Row
from pipelines.gzip_index import SeekPoints
from pipelines.read import BOM, RecordCounter, _open, open_at, thinned
from redaction_rules.source_mapping import CsvOptions

ROWS_PER_CHUNK = 500


class CsvUnreadable(ValueError):
    """The file cannot be read as the mapping's CSV; the message names the line, never a value."""


@dataclass(frozen=True)
class CsvChunk:
    """`rows` rows of file `index`, the first one starting on line `first_line` at byte `offset`."""
    index: int
    path: str
    offset: int
    first_line: int
    rows: int
    header: tuple[str, ...]
    wanted: tuple[str, ...]
    options: CsvOptions
    seek_points: str | None = None  # the index to enter a gzip file at `offset` by (`gzip_index`)


def _rows(handle, options: CsvOptions, line: int = 1, offset: int = 0):
    """(starting line, starting byte offset, fields) of every row from here on; blank lines are no rows."""
    at = {"line": line, "offset": offset, "start": None}

    def lines():
        for raw in iter(handle.readline, b""):
            if at["start"] is None:
                at["start"] = (at["line"], at["offset"])
            at["offset"] += len(raw)
            if at["offset"] == len(raw) and raw.startswith(BOM):  # the first line of the file
                raw = raw[len(BOM):]
            try:
                text = raw.decode(options.encoding)
            except UnicodeDecodeError:
                raise CsvUnreadable(f"line {at['line']}: not {options.encoding}") from None
            at["line"] += 1
            yield text

    reader = csv.reader(lines(), delimiter=options.delimiter, quotechar=options.quotechar, strict=True)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvUnreadable(f"line {at['line'] - 1}: not CSV ({_csv_problem(exc)})") from None
        start, at["start"] = at["start"], None
        if fields:
            yield start[0], start[1], fields


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return "a field longer than the limit"
    if "unexpected end of data" in text or "EOF" in text:
        return "a quoted field never closed"
    return "malformed quoting"


def scan_csv(index: int, path: str, options: CsvOptions, wanted: list[str], group_by: str | None = None,
             rows_per_chunk: int = ROWS_PER_CHUNK, digest=None, indexed: bool = False) -> tuple[int, list[CsvChunk]]:
    """One pass over a file: how many records it holds (rows, or with `group_by` distinct keys, a
    row without a key or of the wrong width counting as one), and its chunks. Raises `CsvUnreadable`."""
    starts, count, header = [], 0, None
    records = RecordCounter()
    with _open(path, digest) as handle:
        for line, offset, fields in _rows(handle, options):
            if header is None:
                header = tuple(f.strip() for f in fields)
                missing = [c for c in wanted if c not in header]
                if missing:
                    raise CsvUnreadable(f"line {line}: the header lacks the mapped column(s) {', '.join(missing)}")
                key = header.index(group_by) if group_by else None
                continue
            if count % rows_per_chunk == 0:
                starts.append((offset, line, count))
            count += 1
            records.add(fields[key] if key is not None and len(fields) == len(header) else None)
    if header is None:
        raise CsvUnreadable("line 1: no header row")
    starts = thinned(path, starts, indexed)
    ends = [first for _, _, first in starts[1:]] + [count]
    chunks = [CsvChunk(index, path, offset, line, end - first, header, tuple(wanted), options)
              for (offset, line, first), end in zip(starts, ends)]
    return records.count, chunks


def iter_csv_chunk(chunk: CsvChunk, points: SeekPoints | None = None):
    """A `Row` for each row of the chunk, with only the wanted columns."""
    positions = [(name, chunk.header.index(name)) for name in chunk.wanted]
    width = len(chunk.header)
    with open_at(chunk.path, chunk.offset, chunk.seek_points, points) as handle:
        for n, (line, _, fields) in enumerate(_rows(handle, chunk.options, chunk.first_line, chunk.offset)):
            if n >= chunk.rows:
                return
            src = (chunk.index, line)
            if len(fields) != width:
                yield Row(src, None, f"{len(fields)} fields where the header has {width}")
            else:
                yield Row(src, {name: fields[i] for name, i in positions})
