"""Reading a city's export: feedshield's read, map and parse beside a plain Beam read of the same data.

For CSV and Parquet the data is the NYPD layout (the excerpt in
`tests/data/`, its rows repeated under new keys up to the size) read
through `redaction_rules/sources/nypd-arrests.yaml`; for SQLite, the
fixture records in the PARS-like layout read through `pars-sql.yaml`.
The plain reads are what Beam gives without feedshield: `ReadFromText`
with a CSV parse of each line, `ReadFromParquet`, and a DoFn selecting each
key range's rows of the three tables with `sqlite3`. Both sides of a
format run in the same runner, in-process, and only count what they read.
"""
import csv
import io
import sqlite3
import tempfile
from pathlib import Path

import apache_beam as beam

from fixtures.pars_sql import write_pars_sql
from pipelines.inputs import resolve_inputs
from pipelines.map_rows import MapRows
from pipelines.scan_inputs import ReadInputs
from pipelines.run import beam_options
from redaction_rules.fields import record_schema
from redaction_rules.source_mapping import SOURCES_DIR, load_mapping

REPO = Path(__file__).resolve().parent.parent
EXCERPT = REPO / "tests" / "data" / "nypd_arrests_excerpt.csv"
IN_PROCESS = ["--runner=FnApiRunner"]


def write_nypd_csv(size: int, path: Path) -> None:
    """`size` NYPD rows: the excerpt's rows in turn, each under a key of its own."""
    with EXCERPT.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header, rows = next(reader), list(reader)
    key = header.index("ARREST_KEY")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for n in range(size):
            row = list(rows[n % len(rows)])
            row[key] = str(100_000_000 + n)
            writer.writerow(row)


def write_nypd_parquet(csv_path: Path, path: Path, row_group_size: int = 1000) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    with csv_path.open(encoding="utf-8", newline="") as handle:
        pq.write_table(pa.Table.from_pylist(list(csv.DictReader(handle))), path, row_group_size=row_group_size)


def nypd_parquet_mapping(folder: Path) -> Path:
    path = folder / "nypd-parquet.yaml"
    text = (SOURCES_DIR / "nypd-arrests.yaml").read_text()
    path.write_text(text.replace('format: csv\ncsv: {delimiter: ",", encoding: utf-8}\n', "format: parquet\n"))
    return path


def write_pars_sqlite(size: int, seed: int, path: Path) -> str:
    url = f"sqlite:///{path}"
    write_pars_sql(size, seed, url)
    return url


class _Count(beam.DoFn):
    def process(self, _):
        return []


def feedshield_read(source: str, mapping_path: str) -> int:
    """feedshield's own read of a mapped export: read, map to the spec and check by it; records counted."""
    mapping = load_mapping(mapping_path).mapping
    inputs = resolve_inputs(source, mapping)
    with tempfile.TemporaryDirectory() as staging, beam.Pipeline(options=beam_options(IN_PROCESS)) as p:
        # as a run reads its inputs: proved and cut on the workers
        rows = (p | "Read" >> ReadInputs(tuple(inputs), staging, mapping))["elements"]
        parsed = rows | "MapRows" >> MapRows(mapping, record_schema(), [f.place for f in inputs])
        _ = parsed.records | "Count" >> beam.ParDo(_Count())
    return None  # the records are the export's rows, counted by the caller


def _csv_fields(line: str) -> list[str]:
    return next(csv.reader(io.StringIO(line)))


def plain_csv(path: str) -> int:
    """Beam's text read with a CSV parse of each line (quoted line ends aside, which it cannot follow)."""
    with beam.Pipeline(options=beam_options(IN_PROCESS)) as p:
        _ = (p | beam.io.ReadFromText(path, skip_header_lines=1) | beam.Map(_csv_fields) | beam.ParDo(_Count()))
    with open(path, encoding="utf-8") as handle:
        return sum(1 for _ in handle) - 1


def plain_parquet(path: str) -> int:
    import pyarrow.parquet as pq
    with beam.Pipeline(options=beam_options(IN_PROCESS)) as p:
        _ = p | beam.io.ReadFromParquet(path) | beam.ParDo(_Count())
    return pq.ParquetFile(path).metadata.num_rows


class _SelectRange(beam.DoFn):
    def __init__(self, database: str):
        self.database = database

    def setup(self):
        self.connection = sqlite3.connect(self.database)

    def process(self, bounds):
        lo, hi = bounds
        rows = {table: self.connection.execute(
            f"SELECT * FROM {table} WHERE incident_id BETWEEN ? AND ? ORDER BY incident_id", (lo, hi)).fetchall()
            for table in ("incidents", "persons", "charges")}
        yield from rows["incidents"]

    def teardown(self):
        self.connection.close()


def plain_sqlite(url: str) -> int:
    database = url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        keys = [k for (k,) in connection.execute("SELECT incident_id FROM incidents ORDER BY incident_id")]
    ranges = [(keys[i], keys[min(i + 500, len(keys)) - 1]) for i in range(0, len(keys), 500)]
    with beam.Pipeline(options=beam_options(IN_PROCESS)) as p:
        _ = p | beam.Create(ranges) | beam.ParDo(_SelectRange(database)) | beam.ParDo(_Count())
    return len(keys)
