"""Stage 1 for files: each input file proved and cut where it lands.

The manifest proves which bytes went into the feed (each file's SHA-256 of
its stored bytes and its record count), and the readers need chunks that
start on a record: a line of JSON Lines, a row of CSV outside any quoted
field, a Parquet row group. Both come from a pass over each file, made
on a worker, so that the driver only lists the files and never reads a
record: on a cluster the driver may not even see them. Files are spread
over the workers, and the chunks are reshuffled so that the reading of
one large file is spread too; only chunk descriptions and proofs cross
the shuffle. A gzip file's seek points are written beside the proof
(`gzip_index`), so that its chunks are entered in the middle too.

A file that cannot be read (or a CSV header or Parquet schema without a
mapped column) fails the job with `InputError`, which names the file and
the kind of failure; the driver turns it into exit 5, as it would its own.
"""
import dataclasses
import hashlib

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from pipelines.digests import hash_into
from pipelines.elements import Line, Row
from pipelines import gzip_index
from pipelines.inputs import InputError, InputFile, reading
from pipelines.progress import INPUT, Beacon
from pipelines.read import ReadEach, lines_of, scan
from pipelines.read_csv import iter_csv_chunk, scan_csv
from pipelines.read_parquet import iter_parquet_chunk, scan_parquet
from pipelines.read_sql import (CHUNK_PROOFS, KEYS_PER_CHUNK, CombineChunkProofs, Poll, ReadSqlChunk, SqlUnreadable,
                                scan_sql)
from redaction_rules.source_mapping import SourceMapping

PROOFS = "proofs"


class FileLayout:
    """How one format's inputs are proved and cut (`prove`) and their chunks read (`reader`)."""
    element_type = Line

    def cut(self, index: int, path: str, digest, indexed: bool):
        """(records, chunks) of the file; every stored byte of it into `digest` (a hashlib object);
        `indexed`: the file will have seek points."""
        return scan(index, path, digest=digest, indexed=indexed)

    def prove(self, index: int, path: str, seek_folder: str | None = None) -> tuple[str, int, list, str | None]:
        """(sha256, or None where it is made as the chunks are read, records, chunks, the newest
        `updated_at` where a database is polled); a gzip file cut in several chunks gets its seek
        points in `seek_folder`, where one is given."""
        digest = hashlib.sha256()
        indexed = seek_folder is not None and gzip_index.indexable(path)
        records, chunks = self.cut(index, path, digest, indexed)
        if indexed and len(chunks) > 1:
            points = FileSystems.join(seek_folder, f"{index}.zran")
            gzip_index.write_index(path, points)
            chunks = [dataclasses.replace(chunk, seek_points=points) for chunk in chunks]
        return digest.hexdigest(), records, chunks, None

    def elements_of(self, chunk, points):
        return lines_of(chunk, points)

    def reader(self) -> beam.DoFn:
        """Reads a chunk's elements; a layout whose proof is made as it is read (a database) also
        gives each chunk's proof on `CHUNK_PROOFS`."""
        return ReadEach(self.elements_of)

    def proofs(self, listed, chunk_proofs):
        """The inputs' proofs: a file's are whole when it is cut."""
        return listed


class CsvLayout(FileLayout):
    element_type = Row

    def __init__(self, mapping: SourceMapping):
        self.options, self.columns, self.group_by = mapping.csv, mapping.columns, mapping.group_by

    def cut(self, index: int, path: str, digest, indexed: bool):
        return scan_csv(index, path, self.options, self.columns, self.group_by, digest=digest, indexed=indexed)

    def elements_of(self, chunk, points):
        return iter_csv_chunk(chunk, points)


class ParquetLayout(FileLayout):
    element_type = Row

    def __init__(self, mapping: SourceMapping):
        self.columns, self.group_by = mapping.columns, mapping.group_by

    def cut(self, index: int, path: str, digest, indexed: bool):
        records, chunks, _ = scan_parquet(index, path, self.columns, self.group_by)
        hash_into(path, digest)  # the scan read the footer and the key column: the bytes are read apart
        return records, chunks

    def elements_of(self, chunk, points):
        return iter_parquet_chunk(chunk)


class SqlLayout(FileLayout):
    """A database: cut by key ranges, proved by the digests of the ranges' rows as they are read."""
    element_type = Row
    keys_per_chunk = KEYS_PER_CHUNK

    def __init__(self, mapping: SourceMapping, window: Poll | None):
        self.mapping, self.window = mapping, window

    def prove(self, index: int, url: str, seek_folder: str | None = None):
        try:
            records, chunks, window = scan_sql(index, url, self.mapping, self.keys_per_chunk, self.window)
        except SqlUnreadable as exc:
            raise InputError(f"input {url}: {exc}") from None
        return None, records, chunks, window.latest if window else None

    def reader(self) -> beam.DoFn:
        return ReadSqlChunk()

    def proofs(self, listed, chunk_proofs):
        return listed | "ChainChunkProofs" >> CombineChunkProofs(chunk_proofs)


def layout_of(mapping: SourceMapping | None, window: Poll | None = None) -> FileLayout:
    """The spec's JSON Lines without a mapping; a mapped CSV or Parquet file, or a database (`window`:
    when it is polled)."""
    if mapping is None:
        return FileLayout()
    if mapping.format == "sql":
        return SqlLayout(mapping, window)
    return {"csv": CsvLayout, "parquet": ParquetLayout}[mapping.format](mapping)


def prove_and_cut(layout: FileLayout, index: int, path: str,
                  seek_folder: str | None = None) -> tuple[str, int, list, str | None]:
    """(sha256 of the stored bytes, records, chunks, latest) of one input; InputError when it cannot be read."""
    with reading(path):
        return layout.prove(index, path, seek_folder)


def proved_here(inputs: list[InputFile], mapping: SourceMapping | None) -> list[InputFile]:
    """The inputs proved and cut in this process: for `source check`, which runs where the export is."""
    layout, proved = layout_of(mapping, inputs[0].window if inputs else None), []
    for index, f in enumerate(inputs):
        sha256, records, chunks, latest = prove_and_cut(layout, index, f.path)
        window = Poll(f.window.after, latest) if f.window else None
        proved.append(InputFile(f.path, sha256, records, tuple(chunks), f.place, window))
    return proved


class ProveAndCut(beam.DoFn):
    """(index, path) in; the input's chunks out, and its proof `(index, sha256, records, latest)` beside them."""

    def __init__(self, staging: str, layout: FileLayout):
        self.staging = staging
        self.layout = layout
        self.records = Metrics.counter("feedshield", "input_records")

    def setup(self):
        self.beacon = Beacon(self.staging)

    def process(self, file):
        index, path = file
        sha256, records, chunks, latest = prove_and_cut(
            self.layout, index, path, FileSystems.join(self.staging, gzip_index.SEEK_POINTS_DIR))
        self.records.inc(records)
        self.beacon.add(INPUT, records)
        yield beam.pvalue.TaggedOutput(PROOFS, (index, sha256, records, latest))
        yield from chunks

    def finish_bundle(self):
        self.beacon.flush()


class ReadInputs(beam.PTransform):
    """The elements of every input (files, or one database), and the inputs' proofs:
    {"elements": ..., "proofs": ...}."""

    def __init__(self, inputs: tuple[InputFile, ...], staging: str, mapping: SourceMapping | None = None):
        super().__init__()
        self.files = [(index, f.path) for index, f in enumerate(inputs)]
        self.staging = staging
        self.layout = layout_of(mapping, inputs[0].window if inputs else None)

    def expand(self, pbegin):
        scanned = (pbegin
                   | "Files" >> beam.Create(self.files)
                   | "ProveAndCut" >> beam.ParDo(ProveAndCut(self.staging, self.layout)).with_outputs(
                       PROOFS, main="chunks"))
        read = (scanned.chunks
                | "Spread" >> beam.Reshuffle()
                | "ReadChunks" >> (beam.ParDo(self.layout.reader()).with_output_types(self.layout.element_type)
                                   .with_outputs(CHUNK_PROOFS, main="elements")))
        return {"elements": read.elements, PROOFS: self.layout.proofs(scanned[PROOFS], read[CHUNK_PROOFS])}
