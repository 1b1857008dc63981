"""Stage 1 for files: each input file proved and cut where it lands.

The manifest proves which bytes went into the feed (each file's SHA-256 of
its stored bytes and its record count), and the readers need chunks that
start on a record: a line of JSON Lines, a row of CSV outside any quoted
field, a Parquet row group. Both come from a pass over each file, made
on a worker, so that the driver only lists the files and never reads a
record: on a cluster the driver may not even see them. Files are spread
over the workers, and the chunks are reshuffled so that the reading of
one large file is spread too; only chunk descriptions and proofs cross
the shuffle.

A file that cannot be read (or a CSV header or Parquet schema without a
mapped column) fails the job with `InputError`, which names the file and
the kind of failure; the driver turns it into exit 5, as it would its own.
"""
import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.digests import sha256_and_lines
from pipelines.elements import Line, Row
from pipelines.inputs import InputFile, reading
from pipelines.progress import INPUT, Beacon
from pipelines.read import ReadEach, lines_of, scan
from pipelines.read_csv import iter_csv_chunk, scan_csv
from pipelines.read_parquet import iter_parquet_chunk, scan_parquet
from redaction_rules.source_mapping import SourceMapping

PROOFS = "proofs"


class FileLayout:
    """How one format's files are cut (`cut(index, path)` → records, chunks) and their chunks read."""
    element_type = Line

    def cut(self, index: int, path: str):
        return scan(index, path)

    def elements_of(self, chunk):
        return lines_of(chunk)


class CsvLayout(FileLayout):
    element_type = Row

    def __init__(self, mapping: SourceMapping):
        self.options, self.columns, self.group_by = mapping.csv, mapping.columns, mapping.group_by

    def cut(self, index: int, path: str):
        return scan_csv(index, path, self.options, self.columns, self.group_by)

    def elements_of(self, chunk):
        return iter_csv_chunk(chunk)


class ParquetLayout(FileLayout):
    element_type = Row

    def __init__(self, mapping: SourceMapping):
        self.columns, self.group_by = mapping.columns, mapping.group_by

    def cut(self, index: int, path: str):
        records, chunks, _ = scan_parquet(index, path, self.columns, self.group_by)
        return records, chunks

    def elements_of(self, chunk):
        return iter_parquet_chunk(chunk)


def layout_of(mapping: SourceMapping | None) -> FileLayout:
    """The spec's JSON Lines without a mapping; a mapped CSV or Parquet file."""
    if mapping is None:
        return FileLayout()
    return {"csv": CsvLayout, "parquet": ParquetLayout}[mapping.format](mapping)


def prove_and_cut(layout: FileLayout, index: int, path: str) -> tuple[str, int, list]:
    """(sha256 of the stored bytes, records, chunks) of one file; InputError when it cannot be read."""
    with reading(path):
        records, chunks = layout.cut(index, path)
        return sha256_and_lines(path)[0], records, chunks


def proved_here(files: list[InputFile], mapping: SourceMapping | None) -> list[InputFile]:
    """The files proved and cut in this process: for `source check`, which runs where the export is."""
    layout, proved = layout_of(mapping), []
    for index, f in enumerate(files):
        sha256, records, chunks = prove_and_cut(layout, index, f.path)
        proved.append(InputFile(f.path, sha256, records, tuple(chunks), f.place))
    return proved


class ProveAndCut(beam.DoFn):
    """(index, path) in; the file's chunks out, and its proof `(index, sha256, records)` beside them."""

    def __init__(self, staging: str, layout: FileLayout):
        self.staging = staging
        self.layout = layout
        self.records = Metrics.counter("feedshield", "input_records")

    def setup(self):
        self.beacon = Beacon(self.staging)

    def process(self, file):
        index, path = file
        sha256, records, chunks = prove_and_cut(self.layout, index, path)
        self.records.inc(records)
        self.beacon.add(INPUT, records)
        yield beam.pvalue.TaggedOutput(PROOFS, (index, sha256, records))
        yield from chunks

    def finish_bundle(self):
        self.beacon.flush()


class ReadFiles(beam.PTransform):
    """The elements of every file, and the files' proofs: {"elements": ..., "proofs": ...}."""

    def __init__(self, files: tuple[InputFile, ...], staging: str, mapping: SourceMapping | None = None):
        super().__init__()
        self.files = [(index, f.path) for index, f in enumerate(files)]
        self.staging = staging
        self.layout = layout_of(mapping)

    def expand(self, pbegin):
        scanned = (pbegin
                   | "Files" >> beam.Create(self.files)
                   | "ProveAndCut" >> beam.ParDo(ProveAndCut(self.staging, self.layout)).with_outputs(
                       PROOFS, main="chunks"))
        elements = (scanned.chunks
                    | "Spread" >> beam.Reshuffle()
                    | "ReadChunks" >> beam.ParDo(ReadEach(self.layout.elements_of)).with_output_types(
                        self.layout.element_type))
        return {"elements": elements, PROOFS: scanned[PROOFS]}
