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
ABSENT = "not in the export"
ID_CHANGED = "its recipient id changed"
SUPPRESSED = "suppressed for re-identification risk"


def excluded(rule: str) -> str:
    return f"excluded by rule {rule}"


def quarantined(stage: str) -> str:
    return f"quarantined in {stage}"


def retraction(held: Holding, reason: str) -> dict:
    return {"record": held.record, "visible_id": held.visible_id, "reason": reason,
            "previous_release": held.release, "persons": [list(p) for p in held.persons]}


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
    return UPDATE, None, {**body, "change": UPDATE,
                          "fields_withdrawn": sorted(set(held.fields) - set(disclosure["fields"])),
                          "persons_withdrawn": _withdrawn_persons(held, disclosure["persons"])}
