"""What the recipient holds now, record by record, as the ledger's committed releases say.

An ongoing feed's state is its ledger: the recipient holds, for each source
record, the version of the last committed release that disclosed it, unless
a later release retracted it. A release entry without a `mode` was made
before feeds had increments: it was a snapshot, and replaces what came
before. Holdings carry keys and digests only (no value), so the driver can
hand them to the workers in a staging file.
"""
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from ledger.chain import canonical
from ledger.store import Ledger
from pipelines import stored_files

FULL, INCREMENT = "full", "increment"


@dataclass(frozen=True)
class Holding:
    record: str                 # the ledger key of the source record_id
    visible_id: str | None      # the id the recipient knows it by
    content_sha256: str         # of the feed line the recipient holds
    source: str | None          # the source digest it was made from (`source_digest`), None before increments
    release: int                # the release that sent this version
    fields: tuple[str, ...] = ()
    persons: tuple[tuple[str, ...], ...] = ()
    categories: tuple[str, ...] = ()  # the roles of the people it shows

    def line(self) -> str:
        return canonical(asdict(self))

    def decided_by(self) -> "Holding":
        return Holding(self.record, self.visible_id, self.content_sha256, self.source, self.release)

    @classmethod
    def from_line(cls, line: str) -> "Holding":
        body = json.loads(line)
        return cls(**{**body, "fields": tuple(body["fields"]), "persons": tuple(tuple(p) for p in body["persons"]),
                      "categories": tuple(body["categories"])})

    @classmethod
    def of(cls, release: int, disclosure: dict) -> "Holding":
        return cls(disclosure["record"], disclosure.get("visible_id"), disclosure["content_sha256"],
                   disclosure.get("source"), release, tuple(disclosure.get("fields", ())),
                   tuple(tuple(p) for p in disclosure.get("persons", ())), tuple(disclosure.get("categories", ())))


def terms_digest(*parts: str) -> str:
    """What a record's feed line depends on besides the record: contract, engine, model, tool, keys."""
    return hashlib.sha256(canonical(list(parts)).encode("utf-8")).hexdigest()


def source_digest(audit_key: bytes, terms: str, record: dict) -> str:
    """Keyed, so the ledger's digest of a record cannot be checked against a guessed record."""
    return hmac.new(audit_key, f"{terms}\n{canonical(record)}".encode("utf-8"), hashlib.sha256).hexdigest()


def replay(entries: Iterable[tuple[str, int, dict]], modes: dict[int, str | None]) -> dict[str, Holding]:
    """Holdings after the entries (kind, release, body) of the committed releases (`modes`: each one's
    mode), in the chain's order (a release's retractions before its disclosures)."""
    held: dict[str, Holding] = {}
    for kind, number, body in entries:
        if number not in modes:
            continue  # pending or aborted: the recipient never saw it
        if kind == "release" and modes[number] is None:
            held = {}  # a snapshot from before increments replaces what came before
        elif kind == "retraction":
            held.pop(body["record"], None)
        elif kind == "disclosure":
            held[body["record"]] = Holding.of(number, body)
    return held


def holdings(ledger: Ledger, feed: str) -> dict[str, Holding]:
    modes = {r.number: r.body.get("mode") for r in ledger.releases(feed) if r.status == "committed"}
    return replay(((e.kind, e.release, json.loads(e.body)) for e in ledger.chain(feed)
                   if e.kind in ("release", "disclosure", "retraction")), modes)


def write_holdings(held: dict[str, Holding], path) -> None:
    """What the workers decide by, for each holding: its keys, digests and release (a few hundred
    bytes, since every worker holds them all); the fields and persons stay with the driver
    (`changes.completed`)."""
    stored_files.write_text(path, "".join(held[key].decided_by().line() + "\n" for key in sorted(held)))
