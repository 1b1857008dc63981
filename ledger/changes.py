"""What a release does to each record the recipient holds or is sent: the increment's rules.

A record is sent as `new` when the recipient holds nothing under its source
record, as an `update` when it holds another version under the same
recipient id; `unchanged` records are not sent again in an increment (a
full release sends them `resent`). A held record that may no longer be
disclosed (excluded, quarantined, suppressed, gone from a full export) is
retracted by its recipient id, and so is a held version whose recipient id
changed (a new pseudonymization key). Reasons stay in the ledger: the
recipient gets the id alone, since a reason such as "sealed" is itself
sensitive.
"""
from ledger.holdings import Holding

NEW, UPDATE, RESENT, UNCHANGED = "new", "update", "resent", "unchanged"
# What becomes of a record or a holding, as `triage` and `settle` say it
GO_ON, SEND, KEEP, RETRACT = "go on", "send", "keep", "retract"
ABSENT = "not in the export"
ID_CHANGED = "its recipient id changed"
SUPPRESSED = "suppressed for re-identification risk"


def excluded(rule: str) -> str:
    return f"excluded by rule {rule}"


def quarantined(stage: str) -> str:
    return f"quarantined in {stage}"


def retraction(held: Holding, reason: str) -> dict:
    return {"record": held.record, "visible_id": held.visible_id, "reason": reason,
            "previous_release": held.release}


def unchanged_source(held: Holding | None, source: str, incremental: bool) -> bool:
    """An increment need not shape or redact a record made from the same source under the same terms."""
    return incremental and held is not None and held.source == source


def when_absent(held: Holding, changes_only: bool) -> dict | None:
    """A held record the input does not hold: unchanged in a changes-only input, else deleted at the source."""
    return None if changes_only else retraction(held, ABSENT)


def _withdrawn_persons(held: Holding, persons: list[list[str]]) -> int:
    now = {key for person in persons for key in person}
    return sum(1 for person in held.persons if not now.intersection(person))


def compare(held: Holding | None, disclosure: dict, incremental: bool) -> tuple[str, dict | None, dict]:
    """(change, retraction of the held version or None, the disclosure as the ledger keeps it)."""
    body = {**disclosure, "previous_release": held.release if held else None}
    if held is None:
        return NEW, None, {**body, "change": NEW}
    if held.visible_id != disclosure["visible_id"]:
        return NEW, retraction(held, ID_CHANGED), {**body, "change": NEW}
    if held.content_sha256 == disclosure["content_sha256"]:
        change = UNCHANGED if incremental else RESENT
        return change, None, {**body, "change": change}
    return UPDATE, None, {**body, "change": UPDATE}


def completed(kind: str, body: dict, held: dict[str, Holding]) -> dict:
    """A ledger entry as the driver records it, from the full holdings (the workers see only the
    keys and digests they decide by): an update names the fields and the persons it withdrew, a
    retraction the persons of the version it withdrew, so that a person's history finds it."""
    holding = held.get(body["record"])
    if holding is None:
        return body
    if kind == "disclosure" and body.get("change") == UPDATE:
        return {**body, "fields_withdrawn": sorted(set(holding.fields) - set(body["fields"])),
                "persons_withdrawn": _withdrawn_persons(holding, body["persons"])}
    if kind == "retraction":
        return {**body, "persons": [list(p) for p in holding.persons]}
    return body


def triage(held: Holding | None, records: list, excluded_rules: list[str], incremental: bool, changes_only: bool,
           retractable: bool):
    """Before shaping, for one source record id: (GO_ON, record) for each record to shape, (UNCHANGED,
    (record, held)) for one an increment leaves as it is, (KEEP, held) for a holding a changes-only
    input does not touch, (RETRACT, body) for a held record that is excluded now or gone from a full
    export. `records`: (record, source digest) pairs of the input's records with this id; a record
    is whatever the caller names it by (Beam steps: its position)."""
    for record, digest in records:
        yield (UNCHANGED, (record, held)) if unchanged_source(held, digest, incremental) else (GO_ON, record)
    if records or held is None or not retractable:
        return
    if excluded_rules:
        yield RETRACT, retraction(held, excluded(excluded_rules[0]))
        return
    gone = when_absent(held, changes_only)
    yield (RETRACT, gone) if gone else (KEEP, held)


def settle(held: Holding | None, sent: list, withheld_stage: str | None, suppressed: bool, incremental: bool,
           retractable: bool):
    """After the risk gate, for one source record id: (SEND, (record, ledger body)) for each record to
    send, (UNCHANGED, (record, held)) for one whose feed line is what the recipient holds, (RETRACT,
    body) for a held version it must delete. `sent`: (record, disclosure) pairs; `withheld_stage`:
    the stage that quarantined the record, if one did; `suppressed`: whether the risk gate did."""
    for record, disclosure in sent:
        change, retracted, body = compare(held, disclosure, incremental)
        if retracted and retractable:
            yield RETRACT, retracted
        yield (UNCHANGED, (record, held)) if change == UNCHANGED else (SEND, (record, body))
    if sent or held is None or not retractable:
        return
    if withheld_stage is not None:
        yield RETRACT, retraction(held, quarantined(withheld_stage))
    elif suppressed:
        yield RETRACT, retraction(held, SUPPRESSED)
