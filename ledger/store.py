"""The ledger's tables, in SQLite (one file beside the feed) or a shared PostgreSQL database.

Append-only by construction: a release's life (pending, committed, aborted)
is a sequence of entries, never an update of one, so every state the
ledger was ever in is in the chain. `entries` is the chain; `person_keys`
indexes the disclosure entries by person (rebuilt from the chain, and
checked against it by `verify`); `heads` holds each feed's last entry and
serialises writers: a writer locks its feed's head row for the whole
transaction (`FOR UPDATE`; SQLite takes its write lock at `BEGIN IMMEDIATE`),
so export hosts that share one PostgreSQL ledger append in turn.
"""
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql
import sqlalchemy.dialects.sqlite  # noqa: F401 (the upserts of the head row)

from ledger.chain import GENESIS, Entry, link
from pipelines.read_sql import check_url, create_engine, safe_url

LEDGER_FILE = "ledger.sqlite"

metadata = sa.MetaData()
entries = sa.Table(
    "feedshield_entries", metadata,
    sa.Column("feed", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("release", sa.Integer, nullable=False),
    sa.Column("record_key", sa.String(64), nullable=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("entry_hash", sa.String(64), nullable=False),
    sa.Index("feedshield_entries_record", "feed", "record_key"),
    sa.Index("feedshield_entries_release", "feed", "release", "kind"),
)
person_keys = sa.Table(
    "feedshield_person_keys", metadata,
    sa.Column("feed", sa.String(64), nullable=False),
    sa.Column("person_key", sa.String(64), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Index("feedshield_person_keys_key", "feed", "person_key"),
)
heads = sa.Table(
    "feedshield_heads", metadata,
    sa.Column("feed", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("entry_hash", sa.String(64), nullable=False),
)

BATCH = 5000
RECORD_KINDS = ("disclosure", "retraction")  # entries about one record: indexed by record and person


ENTRY_COLUMNS = ("feed", "seq", "kind", "release", "record_key", "body", "prev_hash", "entry_hash")
PERSON_KEY_COLUMNS = ("feed", "person_key", "seq")


def _insert_many(conn, table: sa.Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows (tuples in `columns` order) straight to the database driver's executemany: a release's
    entries are appended by the driver, where SQLAlchemy's per-row parameter processing cost as much
    as the database's own insert and grew the driver's time with every record released."""
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=list(columns))
    if compiled.positional:
        at = [columns.index(name) for name in compiled.positiontup]
        params = rows if at == list(range(len(columns))) else [tuple(row[i] for i in at) for row in rows]
    else:
        params = [dict(zip(columns, row)) for row in rows]
    conn.exec_driver_sql(compiled.string, params)


class LedgerError(Exception):
    """A ledger that cannot be opened or written; the message names it without a password."""


@dataclass(frozen=True)
class Release:
    """A release as the ledger knows it: its release entry and what became of it."""
    number: int
    status: str           # pending, committed or aborted
    body: dict            # the release entry
    seq: int
    closed: dict | None   # the commit or abort entry


def default_url(feed_dir: Path) -> str:
    return f"sqlite:///{(feed_dir / LEDGER_FILE).resolve()}"


def _owner_only_file(path: Path) -> None:
    """The SQLite file is created owner-only before SQLite opens it: it says who received what."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    path.chmod(0o600)


class Ledger:
    def __init__(self, url: str, create: bool = True):
        try:
            check_url(url)
        except ValueError as exc:
            raise LedgerError(f"ledger {safe_url(url)}: {exc}") from None
        parsed = sa.make_url(url)
        self.url = url
        self.sqlite = parsed.get_backend_name() == "sqlite"
        if self.sqlite:
            path = Path(parsed.database or "")
            if not create and not path.exists():
                raise LedgerError(f"ledger {path}: no such file (no release was made into this folder)")
            _owner_only_file(path)
        try:
            self.engine = create_engine(url)
            if self.sqlite:
                self._serialise_sqlite_writers()
            metadata.create_all(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            raise LedgerError(f"ledger {safe_url(url)}: cannot be opened ({type(exc.orig or exc).__name__})") from None

    def _serialise_sqlite_writers(self) -> None:
        @sa.event.listens_for(self.engine, "connect")
        def _connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # SQLAlchemy, not pysqlite, begins transactions
            dbapi_connection.execute("PRAGMA busy_timeout = 60000")

        @sa.event.listens_for(self.engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    def close(self) -> None:
        self.engine.dispose()

    # -- writing ---------------------------------------------------------
    def _head_for_update(self, conn, feed: str) -> tuple[int, str]:
        insert = (sa.dialects.sqlite.insert if self.sqlite else sa.dialects.postgresql.insert)(heads)
        conn.execute(insert.values(feed=feed, seq=0, entry_hash=GENESIS).on_conflict_do_nothing())
        row = conn.execute(sa.select(heads.c.seq, heads.c.entry_hash).where(heads.c.feed == feed)
                           .with_for_update()).one()
        return row.seq, row.entry_hash

    def append(self, feed: str, items, expect=None) -> Entry | None:
        """Append (kind, release, body) items to a feed's chain in one transaction; the last entry.

        `items` is an iterable, or a function of the head (seq, hash) that gives
        one, for an entry that must name the head it follows (a signed commit).
        `expect(ledger, conn, feed)` runs under the feed's lock first and may
        raise to refuse the append (a release number someone else took meanwhile)."""
        last = None
        with self.engine.begin() as conn:
            seq, prev = self._head_for_update(conn, feed)
            if expect is not None:
                expect(self, conn, feed)
            if callable(items):
                items = items(seq, prev)
            rows, keys = [], []
            for kind, release, body in items:
                seq += 1
                last = link(feed, seq, kind, release, body, prev)
                prev = last.entry_hash
                about = kind in RECORD_KINDS
                rows.append((feed, seq, kind, release, body.get("record") if about else None, last.body, last.prev_hash,
                             last.entry_hash))
                if about:
                    keys += [(feed, k, seq) for person in body.get("persons", ()) for k in person]
                if len(rows) >= BATCH:
                    self._flush(conn, rows, keys)
                    rows, keys = [], []
            self._flush(conn, rows, keys)
            if last is not None:
                conn.execute(heads.update().where(heads.c.feed == feed).values(seq=last.seq, entry_hash=last.entry_hash))
        return last

    @staticmethod
    def _flush(conn, rows: list, keys: list) -> None:
        if rows:
            _insert_many(conn, entries, ENTRY_COLUMNS, rows)
        if keys:
            _insert_many(conn, person_keys, PERSON_KEY_COLUMNS, keys)

    # -- reading ---------------------------------------------------------
    def feeds(self) -> list[str]:
        with self.engine.connect() as conn:
            return [r.feed for r in conn.execute(sa.select(heads.c.feed).order_by(heads.c.feed))]

    def head(self, feed: str) -> tuple[int, str] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(heads.c.seq, heads.c.entry_hash).where(heads.c.feed == feed)).first()
        return None if row is None else (row.seq, row.entry_hash)

    def chain(self, feed: str) -> Iterator[Entry]:
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
                sa.select(*(entries.c[name] for name in Entry._fields)).where(entries.c.feed == feed)
                .order_by(entries.c.seq))
            for row in result:
                yield Entry(*row)

    def person_index(self, feed: str) -> Iterator[tuple[int, str]]:
        with self.engine.connect() as conn:
            yield from conn.execute(sa.select(person_keys.c.seq, person_keys.c.person_key)
                                    .where(person_keys.c.feed == feed).order_by(person_keys.c.seq, person_keys.c.person_key))

    def releases(self, feed: str, conn=None) -> list[Release]:
        query = (sa.select(entries.c.seq, entries.c.kind, entries.c.release, entries.c.body)
                 .where(entries.c.feed == feed, entries.c.kind.in_(("release", "commit", "abort")))
                 .order_by(entries.c.seq))
        if conn is None:
            with self.engine.connect() as own:
                rows = own.execute(query).all()
        else:
            rows = conn.execute(query).all()
        found: dict[int, Release] = {}
        for row in rows:
            body = json.loads(row.body)
            if row.kind == "release":
                found[row.release] = Release(row.release, "pending", body, row.seq, None)
            elif row.release in found:
                status = "committed" if row.kind == "commit" else "aborted"
                found[row.release] = Release(row.release, status, found[row.release].body, found[row.release].seq, body)
        return [found[n] for n in sorted(found)]

    def disclosures(self, feed: str, record_key: str | None = None, person_key: str | None = None) -> list[Entry]:
        """The disclosure and retraction entries of a record or a person, in order."""
        columns = [entries.c[name] for name in Entry._fields]
        query = sa.select(*columns).where(entries.c.feed == feed, entries.c.kind.in_(RECORD_KINDS))
        if record_key is not None:
            query = query.where(entries.c.record_key == record_key)
        if person_key is not None:
            seqs = sa.select(person_keys.c.seq).where(person_keys.c.feed == feed, person_keys.c.person_key == person_key)
            query = query.where(entries.c.seq.in_(seqs))
        with self.engine.connect() as conn:
            return [Entry(*row) for row in conn.execute(query.order_by(entries.c.seq))]
