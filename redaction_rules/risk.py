"""Re-identification risk of what a feed reveals: equivalence classes, k-anonymity, l-diversity.

Names gone, a record can still point at one person: the only 35-44 year
old Asian woman arrested in district 5 in March for a felony. Records that
show the same values of the contract's quasi-identifiers form an
equivalence class; a class of fewer than k records lets anyone who knows
those facts of a person find their record (prosecutor risk 1/size), and a
class whose sensitive values (the statutes charged) are fewer than l tells
what they were charged with even without finding the record.

Everything here works on the recipient's view (the shaped, redacted
output): what the recipient can read is what they can link. A field that
is a list (persons[], charges[]) gives the record's set of values. The
Beam steps (`pipelines/assess_risk.py`) and `feedshield risk` both use
this module, so the gate and the report count alike.
"""
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from redaction_rules.feed_format import feed_line

MISSING = "*"  # a value the record does not show: one value like any other for the classes
# Quasi-identifiers looked at when a contract names none: its report, not a gate
DEFAULT_QUASI_IDENTIFIERS = ("persons.dob", "persons.sex", "persons.race", "persons.ethnicity",
                             "persons.address.zip", "district", "arrest_datetime", "charges.class")
DEFAULT_SENSITIVE = "charges.statute"
WIDE_AGE_BANDS = {"under 18": "under 18", "18-24": "18-34", "25-34": "18-34", "35-44": "35-54", "45-54": "35-54",
                  "55-64": "55+", "65+": "55+"}


def _quarter(value: str) -> str:
    if len(value) >= 7 and value[4] == "-" and value[5:7].isdigit():
        return f"{value[:4]}-Q{(int(value[5:7]) - 1) // 3 + 1}"
    return value


def _zip2(value: str) -> str:
    digits = "".join(c for c in value if c.isdigit())
    return digits[:2] + "XXX" if len(digits) >= 2 else value


# One step further along each field's hierarchy: what `risk.generalize` may name
STEPS = {
    "quarter": _quarter,                                    # 2021-09 -> 2021-Q3
    "year": lambda v: v[:4] if len(v) >= 4 and v[:4].isdigit() else v,  # 2021-09 -> 2021
    "wide_age_band": lambda v: WIDE_AGE_BANDS.get(v, v),    # 25-34 -> 18-34
    "zip2": _zip2,                                          # 191XX -> 19XXX
    "suppress": lambda v: None,                             # the value is not shown
}


_RELEASE = re.compile(r"(\d{6})[/\\]feed[/\\][^/\\]+$")


def identity(output: dict) -> str:
    """Which record a feed line is, as the recipient can tell: its record id when it shows one (a
    newer version replaces the older), else its content (the same line twice is one record)."""
    record_id = output.get("record_id")
    if isinstance(record_id, str) and record_id:
        return f"id:{record_id}"
    return "line:" + hashlib.sha256(feed_line(output).encode("utf-8")).hexdigest()


def release_of(path: str) -> int:
    """The release number of a feed file at `.../releases/NNNNNN/feed/part-...`."""
    match = _RELEASE.search(path)
    return int(match.group(1)) if match else 0


def _values(obj, parts: list[str]) -> list:
    if not parts:
        return [obj]
    if isinstance(obj, list):
        return [v for item in obj for v in _values(item, parts)]
    if isinstance(obj, dict) and parts[0] in obj:
        return _values(obj[parts[0]], parts[1:])
    return []


def _shown(values: list) -> tuple[str, ...]:
    shown = sorted({str(v) for v in values if v is not None and not isinstance(v, (dict, list))})
    return tuple(shown) or (MISSING,)


def _rewrite(obj, parts: list[str], step):
    """A copy of `obj` with `step` applied at `parts` (through lists), the rest shared."""
    if isinstance(obj, list):
        return [_rewrite(item, parts, step) for item in obj]
    if not isinstance(obj, dict) or parts[0] not in obj:
        return obj
    value = obj[parts[0]]
    if len(parts) == 1:
        new = value if value is None or isinstance(value, (dict, list)) else step(str(value))
    else:
        new = _rewrite(value, parts[1:], step)
    return {**obj, parts[0]: new}


@dataclass(frozen=True)
class RiskModel:
    quasi_identifiers: tuple[str, ...]
    k: int
    l: int | None = None  # noqa: E741 (the model's own name)
    sensitive: str | None = None
    action: str = "report"                  # report, suppress, generalize or fail
    steps: tuple[tuple[str, str], ...] = ()  # (quasi-identifier, step) for generalize

    def key(self, output: dict) -> tuple:
        return tuple(_shown(_values(output, qi.split("."))) for qi in self.quasi_identifiers)

    def sensitive_value(self, output: dict) -> str:
        if self.sensitive is None:
            return MISSING
        return "|".join(_shown(_values(output, self.sensitive.split("."))))

    def generalize(self, output: dict) -> dict:
        for path, step in self.steps:
            output = _rewrite(output, path.split("."), STEPS[step])
        return output

    def fails(self, size: int, distinct: int) -> bool:
        return size < self.k or (self.l is not None and distinct < self.l)

    def describe(self) -> dict:
        return {"quasi_identifiers": list(self.quasi_identifiers), "k": self.k, "l": self.l,
                "sensitive": self.sensitive, "action": self.action,
                "generalize": dict(self.steps)}


def model_for(contract) -> RiskModel:
    """The contract's risk section; without one, a report over the default quasi-identifiers it shows."""
    risk = contract.risk
    if risk is not None:
        return RiskModel(tuple(risk.quasi_identifiers), risk.k, risk.l_diverse.l if risk.l_diverse else None,
                         risk.l_diverse.sensitive if risk.l_diverse else None, risk.action,
                         tuple(risk.generalize.items()))
    shown = set(contract.fields)
    qis = tuple(q for q in DEFAULT_QUASI_IDENTIFIERS if q in shown)
    return RiskModel(qis or ("district",), k=5, l=2 if DEFAULT_SENSITIVE in shown else None,
                     sensitive=DEFAULT_SENSITIVE if DEFAULT_SENSITIVE in shown else None)


@dataclass
class ClassTally:
    """What is kept of one class: its size and its distinct sensitive values (up to a cap)."""
    size: int = 0
    sensitive: set = field(default_factory=set)


SENSITIVE_CAP = 64  # beyond this many distinct values a class is diverse enough for any l anyone sets


def add(tally: ClassTally, sensitive: str) -> ClassTally:
    tally.size += 1
    if len(tally.sensitive) < SENSITIVE_CAP:
        tally.sensitive.add(sensitive)
    return tally


def merge(tallies) -> ClassTally:
    out = ClassTally()
    for t in tallies:
        out.size += t.size
        if len(out.sensitive) < SENSITIVE_CAP:
            out.sensitive |= set(list(t.sensitive)[:SENSITIVE_CAP - len(out.sensitive)])
    return out


@dataclass
class RiskSummary:
    """The release's classes as histograms: class size -> classes, distinct sensitive values -> classes."""
    sizes: Counter = field(default_factory=Counter)
    diversity: Counter = field(default_factory=Counter)

    def add(self, size: int, distinct: int) -> "RiskSummary":
        self.sizes[size] += 1
        self.diversity[distinct] += 1
        return self

    def merge(self, other: "RiskSummary") -> "RiskSummary":
        self.sizes.update(other.sizes)
        self.diversity.update(other.diversity)
        return self

    def figures(self, model: RiskModel) -> dict:
        records = sum(size * n for size, n in self.sizes.items())
        classes = sum(self.sizes.values())
        below_k = sum(size * n for size, n in self.sizes.items() if size < model.k)
        out = {"records": records, "classes": classes,
               "k": min(self.sizes) if self.sizes else None,
               "records_in_classes_below_k": below_k,
               "share_below_k": round(below_k / records, 4) if records else 0.0,
               "classes_below_k": sum(n for size, n in self.sizes.items() if size < model.k),
               "class_sizes": {str(size): n for size, n in sorted(self.sizes.items())},
               # prosecutor: the attacker knows the person is in the release
               "prosecutor_risk_max": round(1 / min(self.sizes), 4) if self.sizes else 0.0,
               "prosecutor_risk_avg": round(classes / records, 4) if records else 0.0}
        if model.sensitive is not None:
            out["l"] = min(self.diversity) if self.diversity else None
            out["classes_below_l"] = (sum(n for d, n in self.diversity.items() if d < model.l)
                                      if model.l is not None else None)
        return out
