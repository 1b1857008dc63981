"""What the ledger keeps of one published record: keys, field names and a digest, no values.

A person is found again by any id the city has for them: the record's own
`record_id/person_id`, and, where the record holds them, the state id and
the FBI number, which follow a person across incidents. Each is a ledger
key (`audit_key.ledger_key`). Output persons are the record's visible
persons in order (`RecordShaper.visible`), so the i-th person in the feed
is the i-th visible person of the source.
"""
import hashlib
import re

from ledger.audit_key import ledger_key
from redaction_rules.contract import Contract
from redaction_rules.feed_format import feed_line
from redaction_rules.shaping import RecordShaper

PERSON_IDS = ("state_id", "fbi_number")  # ids that follow a person across records
_INDEX = re.compile(r"\[\d+\]")


def source_person_ids(record_id: str, person: dict) -> list[str]:
    ids = [f"{record_id}/{person.get('person_id')}"]
    ids += [v.strip() for v in (person.get(k) for k in PERSON_IDS) if isinstance(v, str) and v.strip()]
    return ids


def disclosed_fields(value, path: str = "") -> set[str]:
    """Paths that carry a value in the output, arrays as `[]`: what the recipient could read."""
    if isinstance(value, dict):
        return set().union(*(disclosed_fields(v, f"{path}.{k}" if path else k) for k, v in value.items()))
    if isinstance(value, list):
        return set().union(*(disclosed_fields(v, f"{path}[]") for v in value)) if value else set()
    return set() if value is None else {path}


class Discloser:
    def __init__(self, audit_key: bytes, contract: Contract):
        self.key = audit_key
        self.shaper = RecordShaper(contract, None)  # for who is visible: the same rule as the feed's

    def describe(self, record: dict, output: dict) -> dict:
        record_id = str(record.get("record_id"))
        visible = self.shaper.visible(record)["persons"]
        return {
            "record": ledger_key(self.key, record_id),
            "persons": [sorted({ledger_key(self.key, i) for i in source_person_ids(record_id, p)}) for p in visible],
            "visible_id": output.get("record_id") if isinstance(output.get("record_id"), str) else None,
            "fields": sorted(disclosed_fields(output)),
            "categories": sorted({p.get("role") for p in visible}),
            "content_sha256": hashlib.sha256(feed_line(output).encode("utf-8")).hexdigest(),
        }
