"""SQL databases in, one element a record: its row and its rows in the persons and charges tables.

One worker lists the record table's keys in order and cuts them into
ranges of 500 (`scan_inputs.SqlLayout`); the ranges are spread, and each
worker opens its own connection (in `setup`, never pickled) and reads its
ranges from every table with `key BETWEEN lo AND hi`, so the tables are
joined where they are read and no personal data crosses a shuffle. Only
the columns the mapping names are selected. Values reach the mapping as
text, as a CSV gives them (dates and times in ISO 8601), so one mapping
language serves every format.

The driver only checks the catalogue (a table or a mapped column that is
not there: `check_database`) and reads no row. The scanning worker lists
the keys only, and checks what would make every record wrong (a key that
repeats in the record table). The manifest's proof of a database is made
from the rows as they were read: each range's reader digests the rows it
selected, and `CombineChunkProofs` chains the ranges' digests in key
order, so the proof names what went into the feed, and nobody reads a row
twice. Read from a database nobody writes to during the run (a replica or
a snapshot): a range that holds more or fewer records than were listed
fails the job (exit 5); a change that keeps the count shows in the proof.
"""
import hashlib
import json
from dataclasses import dataclass

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipelines.elements import Row
from redaction_rules.row_mapper import cell_text, row_text
from redaction_rules.source_mapping import SourceMapping, TableRef

KEYS_PER_CHUNK = 500
CHUNK_PROOFS = "chunk_proofs"
_LINE = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps' text, its encoder built once


class SqlUnreadable(ValueError):
    """The database cannot be read as the mapping says; the message names tables and columns, never values."""


def safe_url(url: str) -> str:
    """The URL as it may be shown: without its password."""
    import sqlalchemy as sa
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(a database URL that cannot be parsed)"


def create_engine(url: str):
    """SQLAlchemy's engine for a URL; `postgresql://` goes through psycopg (3), the driver installed."""
    import sqlalchemy as sa
    parsed = sa.make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return sa.create_engine(parsed)


def check_url(url: str) -> None:
    """A URL feedshield may put in its pipeline: one without a password, which would travel
    in every worker's copy of the graph; the database client finds it by itself instead."""
    import sqlalchemy as sa
    try:
        parsed = sa.make_url(url)
    except Exception:
        raise SqlUnreadable("not a database URL (sqlite:///path.db, postgresql://user@host/db)") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise SqlUnreadable(f"{parsed.get_backend_name()} databases are not read (only sqlite and postgresql)")
    if parsed.password is not None:
        raise SqlUnreadable("the URL holds a password: give it in PGPASSWORD or ~/.pgpass instead, "
                            "so that it never enters the pipeline")


@dataclass(frozen=True)
class SqlChunk:
    """The records whose key lies in [lo, hi], the first of them record number `first` of the input;
    with a `window`, only those updated after its `after`."""
    index: int
    url: str
    lo: object
    hi: object
    first: int
    rows: int
    mapping: SourceMapping
    window: "Poll | None" = None


@dataclass(frozen=True)
class Poll:
    """A database read by its `updated_at` column: the records updated after `after` (all of them when
    None); `latest` is the newest `updated_at` the worker that scanned them saw, the next poll's `after`."""
    after: str | None
    latest: str | None = None


def _columns(mapping: SourceMapping, section: str) -> list[str]:
    key = mapping.sql.key
    return [key] + [c for c in mapping.columns_of(section) if c != key]


def _ref(mapping: SourceMapping, section: str) -> TableRef:
    return mapping.sql.record if section == "record" else mapping.table_of(section)


def reflect(connection, mapping: SourceMapping) -> dict:
    """Each section's table as the database declares it, so that booleans, dates and times come
    back typed whatever the database stores them as (SQLite keeps booleans as 0 and 1); a query
    is read untyped. A table that is not there, or lacks a mapped column, raises `SqlUnreadable`."""
    import sqlalchemy as sa
    sources = {}
    for section in _sections(mapping):
        ref = _ref(mapping, section)
        polled = [mapping.sql.updated_at] if section == "record" and mapping.sql.updated_at else []
        wanted = list(dict.fromkeys(_columns(mapping, section) + ref.order_by + polled))
        if ref.table is not None:
            schema, _, name = ref.table.rpartition(".")
            try:
                source = sa.Table(name, sa.MetaData(), autoload_with=connection, schema=schema or None)
            except sa.exc.NoSuchTableError:
                raise SqlUnreadable(f"no table {ref.table} (the mapping's {section} table)") from None
            present = set(source.c.keys())
        else:
            try:
                present = set(connection.execute(sa.text(f"SELECT * FROM ({ref.query}) AS source LIMIT 0")).keys())
            except sa.exc.SQLAlchemyError as exc:
                raise SqlUnreadable(f"the mapping's {section} query cannot run ({type(exc.orig or exc).__name__})") from None
            source = sa.text(ref.query).columns(*(sa.column(c) for c in wanted)).subquery("source")
        missing = [c for c in wanted if c not in present]
        if missing:
            raise SqlUnreadable(f"{ref.table or 'the ' + section + ' query'} lacks the mapped column(s) {', '.join(missing)}")
        sources[section] = source
    return sources


def check_database(url: str, mapping: SourceMapping) -> None:
    """The tables, queries and columns the mapping names are there: found before the job starts,
    from the database's catalogue alone (no row is read here; the workers scan the records)."""
    import sqlalchemy as sa
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            reflect(connection, mapping)
    except sa.exc.SQLAlchemyError as exc:
        raise SqlUnreadable(f"cannot be read ({type(getattr(exc, 'orig', None) or exc).__name__})") from None
    finally:
        engine.dispose()


def _in_window(query, mapping: SourceMapping, source, window: Poll | None):
    """Only the records updated after the poll's `after`, when there is one."""
    if window is None or window.after is None:
        return query
    column = source.c[mapping.sql.updated_at]
    return query.where(column > _typed(column, window.after))


def _typed(column, text: str | None):
    """A watermark (as `cell_text` wrote it) as the column's own type, so the database compares it so."""
    from datetime import date, datetime
    if text is None:
        return None
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return text
    if kind is datetime:
        return datetime.fromisoformat(text)
    if kind is date:
        return date.fromisoformat(text)
    return kind(text) if kind in (int, float) else text


def _select(mapping: SourceMapping, sources: dict, section: str, lo=None, hi=None, window: Poll | None = None):
    import sqlalchemy as sa
    ref = _ref(mapping, section)
    columns = _columns(mapping, section)
    source = sources[section]
    key = source.c[mapping.sql.key]
    query = sa.select(*(source.c[c] for c in columns))
    if lo is not None:
        query = query.where(key >= lo, key <= hi)
    if section == "record":
        query = _in_window(query, mapping, source, window)
    elif window is not None and window.after is not None:  # the rows of the records updated after it
        record = sources["record"]
        query = query.where(key.in_(_in_window(sa.select(record.c[mapping.sql.key]), mapping, record, window)))
    return query.order_by(key, *(source.c[c] for c in ref.order_by))


def _keys(mapping: SourceMapping, sources: dict, window: Poll | None = None):
    """The record keys in order, and with a poll each record's `updated_at`."""
    import sqlalchemy as sa
    record = sources["record"]
    key = record.c[mapping.sql.key]
    columns = [key] + ([record.c[mapping.sql.updated_at]] if window is not None else [])
    return _in_window(sa.select(*columns), mapping, record, window).order_by(key)


def latest_update(url: str, mapping: SourceMapping) -> str | None:
    """The newest `updated_at` of the record table, as text: the watermark of a poll."""
    import sqlalchemy as sa
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            source = reflect(connection, mapping)["record"]
            return cell_text(connection.execute(sa.select(sa.func.max(source.c[mapping.sql.updated_at]))).scalar())
    except sa.exc.SQLAlchemyError as exc:
        raise SqlUnreadable(f"cannot be read ({type(getattr(exc, 'orig', None) or exc).__name__})") from None
    finally:
        engine.dispose()


def _sections(mapping: SourceMapping) -> list[str]:
    return ["record"] + [s for s in ("persons", "charges") if mapping.table_of(s) is not None]


def scan_sql(index: int, url: str, mapping: SourceMapping, keys_per_chunk: int = KEYS_PER_CHUNK,
             window: Poll | None = None) -> tuple[int, list[SqlChunk], Poll | None]:
    """(records, chunks, the poll with the newest `updated_at` seen); with a poll, of the records
    updated after it only. Raises `SqlUnreadable`."""
    import sqlalchemy as sa
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            sources = reflect(connection, mapping)
            try:
                listed = connection.execute(_keys(mapping, sources, window)).all()
            except (ValueError, TypeError):  # SQLite stores any value in any column
                raise SqlUnreadable("a value of the record table is not of its column's declared type") from None
            keys = [row[0] for row in listed]
            if window is not None:
                seen = [row[1] for row in listed if row[1] is not None]
                window = Poll(window.after, cell_text(max(seen)) if seen else window.after)
    except SqlUnreadable:
        raise
    except sa.exc.SQLAlchemyError as exc:
        raise SqlUnreadable(f"cannot be read ({type(getattr(exc, 'orig', None) or exc).__name__})") from None
    finally:
        engine.dispose()
    repeated = sum(1 for a, b in zip(keys, keys[1:]) if a == b)
    if repeated:
        raise SqlUnreadable(f"{repeated} key(s) of the record table repeat: {mapping.sql.key} must name one record")
    if any(k is None for k in keys):
        raise SqlUnreadable(f"a record has no {mapping.sql.key}")
    chunks = [SqlChunk(index, url, keys[i], keys[min(i + keys_per_chunk, len(keys)) - 1], i + 1,
                       min(keys_per_chunk, len(keys) - i), mapping, window) for i in range(0, len(keys), keys_per_chunk)]
    return len(keys), chunks, window


def iter_sql_chunk(chunk: SqlChunk, connection, sources: dict, digest=None):
    """A `Row` for each record of the chunk, with its persons' and charges' rows; every row read
    goes into `digest` (a hashlib object), where one is given, as a JSON line of its section
    and its cells. Raises `SqlUnreadable` for a value that is not of its column's declared type."""
    mapping = chunk.mapping
    read = {}
    for section in _sections(mapping):
        columns = _columns(mapping, section)  # the key first, then the columns the mapping names
        names = columns if columns[0] in mapping.columns_of(section) else columns[1:]
        skip = len(columns) - len(names)
        try:
            rows = [row_text(row) for row in
                    connection.execute(_select(mapping, sources, section, chunk.lo, chunk.hi, chunk.window)).all()]
        except (ValueError, TypeError):  # SQLite stores any value in any column
            raise SqlUnreadable(f"a value of the {section} table is not of its column's declared type") from None
        if digest is not None:
            digest.update("".join(_LINE([section, *cells]) + "\n" for cells in rows).encode("utf-8"))
        read[section] = [(cells[0], dict(zip(names, cells[skip:]))) for cells in rows]
    by_key = {s: {} for s in ("persons", "charges")}
    for section in by_key:
        for key, cells in read.get(section, ()):
            by_key[section].setdefault(key, []).append(cells)
    for n, (key, cells) in enumerate(read["record"]):
        yield Row((chunk.index, chunk.first + n), cells,
                  None, tuple(by_key["persons"].get(key, ())), tuple(by_key["charges"].get(key, ())))


class SqlRowReader:
    """The rows of SQL chunks, one engine and one reflection per database for as long as it lives."""

    def __init__(self):
        self.engines = {}

    def rows(self, chunk: SqlChunk, digest=None):
        if chunk.url not in self.engines:
            engine = create_engine(chunk.url)
            with engine.connect() as connection:
                self.engines[chunk.url] = engine, reflect(connection, chunk.mapping)
        engine, sources = self.engines[chunk.url]
        with engine.connect() as connection:
            yield from iter_sql_chunk(chunk, connection, sources, digest)

    def close(self) -> None:
        for engine, _ in self.engines.values():
            engine.dispose()
        self.engines = {}


class ReadSqlChunk(beam.DoFn):
    """A chunk's records out, and its proof `(input, first record, sha256 of its rows)` on
    `CHUNK_PROOFS`. A chunk that does not hold the records listed in it fails the job."""

    def __init__(self):
        self.rows = Metrics.counter("feedshield", "input_lines")

    def setup(self):
        self.reader = SqlRowReader()

    def process(self, chunk: SqlChunk):
        digest, read = hashlib.sha256(), 0
        try:
            for row in self.reader.rows(chunk, digest):
                read += 1
                self.rows.inc()
                yield row
        except SqlUnreadable as exc:
            raise SqlUnreadable(f"input {safe_url(chunk.url)}: {exc}") from None
        if read != chunk.rows:
            raise SqlUnreadable(f"input {safe_url(chunk.url)}: {chunk.rows} record(s) were listed in the key range "
                                f"of records {chunk.first} to {chunk.first + chunk.rows - 1} and {read} read: the "
                                "database changed while it was read (read a replica or a snapshot)")
        yield beam.pvalue.TaggedOutput(CHUNK_PROOFS, (chunk.index, chunk.first, digest.hexdigest()))

    def teardown(self):
        if hasattr(self, "reader"):
            self.reader.close()


def chained_digest(chunk_digests) -> str:
    """A database's proof: the SHA-256 of its chunks' digests (hex, one a line) in key order."""
    return hashlib.sha256("".join(f"{d}\n" for d in chunk_digests).encode("ascii")).hexdigest()


class CombineChunkProofs(beam.PTransform):
    """Each input's listed proof `(index, None, records, latest)` with its sha256 made from its
    chunks' proofs: the digest of what the readers read, wherever they ran."""

    def __init__(self, chunk_proofs):
        super().__init__()
        self.chunk_proofs = chunk_proofs

    def expand(self, listed):
        return ({"listed": listed | "ListedByInput" >> beam.Map(lambda p: (p[0], p)),
                 "chunks": self.chunk_proofs | "ChunksByInput" >> beam.Map(lambda c: (c[0], c[1:]))}
                | "ByInput" >> beam.CoGroupByKey()
                | "Chain" >> beam.FlatMap(_chained))


def _chained(grouped):
    _, found = grouped
    for index, _, records, latest in found["listed"]:
        yield index, chained_digest(d for _, d in sorted(found["chunks"])), records, latest
