"""Which records never leave, and under which named rule.

Juvenile, sealed and expunged records are excluded before any contract rule
and no contract can turn that off. A record is also treated as juvenile
when an arrestee was under 18 on the arrest date, whatever its flag says:
a missing flag must not release a minor's record.

When an arrestee's age at arrest cannot be established (no date of birth,
no arrest date, or a birth after the arrest), nothing shows that the
record is not a minor's: it is excluded as `age_unknown`, unless the
department's own `flags.juvenile` says `false` or the contract explicitly
accepts such records (`allow_unknown_age: true`).
"""
from datetime import date

from redaction_rules.contract import Contract, Exclusion
from redaction_rules.operators import age_at


def _flag(record: dict, name: str) -> bool:
    flags = record.get("flags")
    return isinstance(flags, dict) and flags.get(name) is True


def _arrestee_ages(record: dict) -> list[int | None]:
    arrested = record.get("arrest_datetime")
    return [age_at(p.get("dob"), arrested) for p in record.get("persons") or []
            if isinstance(p, dict) and p.get("role") == "arrestee"]


def _declared_adult(record: dict) -> bool:
    flags = record.get("flags")
    return isinstance(flags, dict) and flags.get("juvenile") is False


def _arrest_date(record: dict) -> date | None:
    value = record.get("arrest_datetime")
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _matches(rule: Exclusion, record: dict) -> bool:
    classes = [c.get("class") for c in record.get("charges") or [] if isinstance(c, dict)]
    district = record.get("district")
    detention = (record.get("detention") or {}).get("status") if isinstance(record.get("detention"), dict) else None
    arrested = _arrest_date(record)
    checks = []
    if rule.all_charges_class_in is not None:
        checks.append(bool(classes) and all(c in rule.all_charges_class_in for c in classes))
    if rule.any_charge_class_in is not None:
        checks.append(any(c in rule.any_charge_class_in for c in classes))
    if rule.district_in is not None:
        checks.append(district in rule.district_in)
    if rule.district_not_in is not None:
        checks.append(district not in rule.district_not_in)
    if rule.detention_status_in is not None:
        checks.append(detention in rule.detention_status_in)
    # an unknown arrest date cannot be shown to fall outside a date rule: exclude
    if rule.arrested_before is not None:
        checks.append(arrested is None or arrested < rule.arrested_before)
    if rule.arrested_on_or_after is not None:
        checks.append(arrested is None or arrested >= rule.arrested_on_or_after)
    return bool(checks) and all(checks)


def exclusion_rule(record: dict, contract: Contract) -> str | None:
    """The name of the first rule that excludes the record, or None."""
    ages = _arrestee_ages(record)
    if _flag(record, "juvenile") or any(age is not None and age < 18 for age in ages):
        return "juvenile"
    if _flag(record, "sealed"):
        return "sealed"
    if _flag(record, "expunged"):
        return "expunged"
    if None in ages and not (_declared_adult(record) or contract.allow_unknown_age):
        return "age_unknown"
    for rule in contract.exclude:
        if _matches(rule, record):
            return rule.rule
    return None
