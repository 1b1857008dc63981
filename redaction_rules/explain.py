"""What a recipient gets, field by field, and how two agreements differ.

Both tools read from one function, `fates`, so that `explain` and `diff`
can never disagree about what a contract does.
"""
from datetime import date

from redaction_rules.contract import (AGE_UNKNOWN, MANDATORY_EXCLUSIONS, ROLE_ENTITIES, ROLES, Contract,
                                      Generalize, Mask, Replace)
from redaction_rules.fields import catalog


def describe_rule(rule) -> str:
    if isinstance(rule, Generalize):
        return f"generalized to {rule.to.replace('_', ' ')}"
    if isinstance(rule, Mask):
        return f"masked, last {rule.keep_last} kept"
    if isinstance(rule, Replace):
        return "replaced with a constant"
    return {"keep": "kept", "pseudonymize": "pseudonymized (HMAC-SHA256, recipient key)",
            "redact_text": "kept after text redaction"}[rule.op]


def fates(contract: Contract) -> dict[str, tuple[bool, str]]:
    """Every field of the spec (and the contract's extra fields) → (visible, how or why not)."""
    stripped = {}
    for category in contract.strip:
        for path, field in catalog().items():
            if field.category == category:
                stripped[path] = category
    out = {}
    for path in contract.field_paths():
        rule = contract.fields.get(path)
        if path in stripped:
            out[path] = (False, f"removed: category {stripped[path]} is stripped")
        elif rule is None:
            out[path] = (False, "removed: not in the allowlist")
        else:
            out[path] = (True, describe_rule(rule))
    return out


def role_fates(contract: Contract) -> dict[str, bool]:
    return {role: role in contract.roles for role in ROLES}


def explain(contract: Contract, as_of: date) -> str:
    in_force, why = contract.in_force(as_of)
    lines = [f"{contract.id} {contract.version}: {contract.recipient}",
             f"in force on {as_of.isoformat()}: {'yes' if in_force else 'NO'} ({why})",
             "",
             "people:"]
    for role, visible in role_fates(contract).items():
        lines.append(f"  {role:<12} {'visible' if visible else 'removed, with every mention of them in the record'}")
    lines.append("")
    lines.append("records excluded:")
    for rule in MANDATORY_EXCLUSIONS:
        lines.append(f"  {rule:<24} always (built in)")
    lines.append(f"  {AGE_UNKNOWN:<24} " + ("waived: allow_unknown_age is true" if contract.allow_unknown_age else
                                           "an arrestee whose age at arrest cannot be established (built in)"))
    for rule in contract.exclude:
        cond = ", ".join(f"{k}={v}" for k, v in rule.model_dump(exclude={'rule'}, exclude_none=True).items())
        lines.append(f"  {rule.rule:<24} when {cond}")
    lines.append("")
    lines.append("fields (of visible people, for person fields):")
    width = max(len(p) for p in contract.field_paths())
    for path, (visible, how) in fates(contract).items():
        lines.append(f"  {path:<{width}}  {how}")
    lines.append("")
    lines.append("stripped everywhere: " + (", ".join(contract.strip) or "nothing"))
    if contract.free_text is not None:
        lines.append("")
        lines.append(f"free text: entities redacted (default for any other entity: {contract.free_text.default})")
        entities = set(contract.free_text.entities) | contract.stripped_entities()
        entities |= {ROLE_ENTITIES[r] for r in contract.removed_roles}
        for entity in sorted(entities):
            lines.append(f"  {entity:<20} {contract.text_operator(entity)}")
    lines += ["", risk_terms(contract)]
    return "\n".join(lines)


def risk_terms(contract: Contract) -> str:
    risk = contract.risk
    if risk is None:
        return "re-identification risk: reported in each manifest, no gate"
    diverse = f", at least {risk.l_diverse.l} distinct {risk.l_diverse.sensitive}" if risk.l_diverse else ""
    steps = "".join(f"; {qi} to {step}" for qi, step in risk.generalize.items())
    return (f"re-identification risk: every class of {', '.join(risk.quasi_identifiers)} holds at least "
            f"k={risk.k} records{diverse}; a class that does not: {risk.action}{steps}")


def diff(old: Contract, new: Contract) -> str:
    lines = [f"{old.id} {old.version} -> {new.id} {new.version}", "", "people:"]
    old_roles, new_roles = role_fates(old), role_fates(new)
    changed = False
    for role in ROLES:
        if old_roles[role] != new_roles[role]:
            changed = True
            lines.append(f"  {role:<12} {'now visible' if new_roles[role] else 'now hidden'}")
    if not changed:
        lines.append("  no change")
    lines += ["", "fields:"]
    old_f, new_f = fates(old), fates(new)
    hidden, visible, other = [], [], []
    for path in list(dict.fromkeys([*old_f, *new_f])):
        a = old_f.get(path, (False, "not a field"))
        b = new_f.get(path, (False, "not a field"))
        if a == b:
            continue
        if a[0] and not b[0]:
            hidden.append(f"  - {path}: now hidden ({b[1]})")
        elif b[0] and not a[0]:
            visible.append(f"  + {path}: now visible ({b[1]})")
        else:
            other.append(f"  ~ {path}: {a[1]} -> {b[1]}")
    lines += hidden + visible + other or ["  no change"]
    lines += ["", "stripped categories:"]
    gone, back = set(new.strip) - set(old.strip), set(old.strip) - set(new.strip)
    lines += [f"  - {c}: now stripped everywhere" for c in sorted(gone)]
    lines += [f"  + {c}: no longer stripped" for c in sorted(back)]
    if not gone and not back:
        lines.append("  no change")
    lines += ["", "free text:"]
    entities = set()
    for c in (old, new):
        entities |= set(c.free_text.entities) if c.free_text else set()
        entities |= c.stripped_entities() | {ROLE_ENTITIES[r] for r in ROLES}
    text_changes = []
    for entity in sorted(entities):
        a = old.text_operator(entity) if old.free_text else "no free text"
        b = new.text_operator(entity) if new.free_text else "no free text"
        if a != b:
            text_changes.append(f"  ~ {entity}: {a} -> {b}")
    lines += text_changes or ["  no change"]
    old_x = {r.rule for r in old.exclude} | ({AGE_UNKNOWN} if not old.allow_unknown_age else set())
    new_x = {r.rule for r in new.exclude} | ({AGE_UNKNOWN} if not new.allow_unknown_age else set())
    if old_x != new_x:
        lines += ["", "record exclusions:"]
        lines += [f"  + {r}" for r in sorted(new_x - old_x)] + [f"  - {r}" for r in sorted(old_x - new_x)]
    if old.risk != new.risk:
        lines += ["", "re-identification risk:", f"  - {risk_terms(old)}", f"  + {risk_terms(new)}"]
    return "\n".join(lines)
