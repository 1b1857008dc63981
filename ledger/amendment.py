"""What an amended contract's first release does to a feed the recipient already holds.

`feedshield contract diff OLD NEW` says it in general terms; with `--feed DIR`
it counts, from the feed's ledger (field names and roles, no values), the
held records the new terms change. Records the new exclusion rules match
cannot be counted without the source: the release retracts them.
"""
from ledger.holdings import Holding
from redaction_rules.contract import Contract
from redaction_rules.explain import fates, role_fates


def _field(path: str) -> str:
    """A disclosed path (`persons[].name.first`) as the contract names it (`persons.name.first`)."""
    return path.replace("[]", "")


def first_release(old: Contract, new: Contract, held: dict[str, Holding] | None = None) -> list[str]:
    lines = ["", "on an ongoing feed made under the old terms, its first release:"]
    if not new.shows_record_id:
        return lines + ["  cannot be incremental: the new terms show no record id, so nothing held can be "
                        "updated or retracted; only full releases can be made"]
    hidden = {p for p, (seen, _) in fates(old).items() if seen and not fates(new).get(p, (False, ""))[0]}
    gone_roles = {r for r, seen in role_fates(old).items() if seen and not role_fates(new)[r]}
    id_changes = old.fields.get("record_id") != new.fields.get("record_id") or old.pseudonymization != new.pseudonymization
    if id_changes:
        lines.append("  retracts every held record and sends it again under its new recipient id "
                     "(the record id's operator or the pseudonymization key changed)")
    lines.append("  re-sends, as updates, the held records whose feed line the new terms change"
                 + (f", withdrawing {', '.join(sorted(hidden))}" if hidden else "")
                 + (f" and the {', '.join(sorted(gone_roles))} they show" if gone_roles else ""))
    lines.append("  retracts the held records the new terms exclude (reasons stay in the ledger); "
                 "it must read a full export (--changes-only is refused under new terms)")
    if held is None:
        return lines + ["  (give --feed DIR to count them from the feed's ledger)"]
    showing_hidden = sum(1 for h in held.values() if {_field(f) for f in h.fields} & hidden)
    showing_gone = sum(1 for h in held.values() if set(h.categories) & gone_roles)
    lines.append(f"  on this feed: {len(held)} held records; {showing_hidden} show a field the new terms hide, "
                 f"{showing_gone} show people the new terms remove"
                 + ("; all are retracted and sent again under new ids" if id_changes else ""))
    return lines
