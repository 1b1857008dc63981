"""Parquet exports in, one element a row, with its file and its row number.

A worker reads each file's footer (row groups, row counts, schema) and
makes one chunk per row group, the unit Parquet is written and read in, as
Beam's own Parquet source splits; each worker reads its row groups with
pyarrow, only the columns the mapping names. Beam's `ReadFromParquet` is
not used because its records carry no position, and every dead letter
must say where it came from (`row 1342 of file X`, counted from 1).
Values reach the mapping as text, as a CSV gives them.
"""
from dataclasses import dataclass

from apache_beam.io.filesystems import FileSystems

from pipelines.elements import Row
from pipelines.read import RecordCounter
from redaction_rules.row_mapper import cell_text, row_text


class ParquetUnreadable(ValueError):
    """The file cannot be read as the mapping says; the message names columns, never values."""


@dataclass(frozen=True)
class ParquetChunk:
    """Row group `group` of file `index`, its first row number `first` of the file."""
    index: int
    path: str
    group: int
    first: int
    rows: int
    wanted: tuple[str, ...]


def _open(path: str):
    import pyarrow.parquet as pq
    return pq.ParquetFile(FileSystems.open(path))


def scan_parquet(index: int, path: str, wanted: list[str],
                 group_by: str | None = None) -> tuple[int, list[ParquetChunk], list[str]]:
    """(records, one chunk per row group, every column of the file): records are rows, or with
    `group_by` distinct keys (a row without one counting alone). Raises `ParquetUnreadable`."""
    import pyarrow as pa
    try:
        with _open(path) as parquet:
            schema = parquet.schema_arrow
            metadata = parquet.metadata
            groups = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    except (pa.ArrowException, OSError) as exc:
        raise ParquetUnreadable(f"not a Parquet file it can read ({type(exc).__name__})") from None
    missing = [c for c in wanted if c not in schema.names]
    if missing:
        raise ParquetUnreadable(f"the file lacks the mapped column(s) {', '.join(missing)}")
    nested = [c for c in wanted if pa.types.is_nested(schema.field(c).type)]
    if nested:
        raise ParquetUnreadable(f"mapped column(s) {', '.join(nested)} hold lists or structs, which are not read")
    chunks, first = [], 1
    for group, rows in enumerate(groups):
        if rows:
            chunks.append(ParquetChunk(index, path, group, first, rows, tuple(wanted)))
        first += rows
    if group_by is None:
        return sum(groups), chunks, list(schema.names)
    records = RecordCounter()
    with _open(path) as parquet:
        for group in range(len(groups)):
            for key in parquet.read_row_group(group, columns=[group_by]).column(group_by).to_pylist():
                records.add(cell_text(key))
    return records.count, chunks, list(schema.names)


def iter_parquet_chunk(chunk: ParquetChunk):
    with _open(chunk.path) as parquet:
        table = parquet.read_row_group(chunk.group, columns=list(chunk.wanted))
    names = list(chunk.wanted)
    columns = [table.column(name).to_pylist() for name in names]
    for n, cells in enumerate(zip(*columns) if columns else [()] * table.num_rows):
        yield Row((chunk.index, chunk.first + n), dict(zip(names, row_text(cells))))
