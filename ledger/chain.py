"""The hash chain: each entry's hash covers the entry and the hash of the one before it.

Editing an entry changes its hash, deleting or reordering entries breaks
the next entry's link, and the head (the last hash, kept beside the chain
and, when a signing key is given, signed in each release's commit entry)
shows a truncated tail. Only the entry's own text is hashed, never a
database's rendering of it, so SQLite and PostgreSQL give the same hashes.
"""
import hashlib
import json
from typing import NamedTuple

GENESIS = "0" * 64
KINDS = ("release", "disclosure", "retraction", "commit", "abort")


class Entry(NamedTuple):
    feed: str
    seq: int
    kind: str
    release: int
    body: str        # canonical JSON
    prev_hash: str
    entry_hash: str


# one encoder for every entry: `json.dumps` with options builds a new one per call, a third of its cost
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical(body: dict) -> str:
    return _CANONICAL.encode(body)


def entry_hash(feed: str, seq: int, kind: str, release: int, body: str, prev_hash: str) -> str:
    return hashlib.sha256(canonical([feed, seq, kind, release, body, prev_hash]).encode("utf-8")).hexdigest()


def link(feed: str, seq: int, kind: str, release: int, body: dict, prev_hash: str) -> Entry:
    text = canonical(body)
    return Entry(feed, seq, kind, release, text, prev_hash, entry_hash(feed, seq, kind, release, text, prev_hash))


def first_broken(entries, head: tuple[int, str] | None) -> str | None:
    """Where the chain of one feed breaks first, in words that hold no values; None when it holds."""
    expected_seq, prev = 1, GENESIS
    for e in entries:
        if e.seq != expected_seq:
            return f"entry {expected_seq}: missing (the next entry is {e.seq}): rows were deleted"
        if e.kind not in KINDS:
            return f"entry {e.seq}: unknown kind"
        if e.prev_hash != prev:
            return f"entry {e.seq} ({e.kind}, release {e.release}): does not follow entry {e.seq - 1}: rows were deleted, inserted or reordered"
        if entry_hash(e.feed, e.seq, e.kind, e.release, e.body, e.prev_hash) != e.entry_hash:
            return f"entry {e.seq} ({e.kind}, release {e.release}): its content does not match its hash: it was edited"
        expected_seq, prev = e.seq + 1, e.entry_hash
    last = (expected_seq - 1, prev)
    if head is None:
        return None if last[0] == 0 else "the chain head is missing"
    if head != last:
        return (f"the chain ends at entry {last[0]} but its head says entry {head[0]}: "
                f"{'entries at the end were deleted' if head[0] > last[0] else 'the head was not moved'}")
    return None
