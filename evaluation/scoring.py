"""Scoring a published feed against ground-truth labels.

Labels come from `fixtures` (every sensitive string with its field path,
category and the role of its person). What must not leave is decided by the
contract: every label of a removed role, and every label of a stripped
category. A label leaks when its text is still in the feed record:

- in the narrative, as a whole word, case-insensitively (charge titles,
  which a contract may keep, are set aside first: "Carrying Firearms Public
  In Philadelphia" does not reveal anyone's birthplace);
- in a structured field, when that field's own source (the same path among
  the visible people of the input) does not hold it.

A label whose text is also an allowed label of the same record (a victim
who shares the arrestee's surname) cannot leak: the recipient is allowed to
see that string.
"""
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from redaction_rules.contract import Contract
from redaction_rules.exclusions import exclusion_rule


@dataclass
class Tally:
    total: int = 0
    hits: int = 0

    def add(self, hit: bool) -> None:
        self.total += 1
        self.hits += bool(hit)

    @property
    def share(self) -> float:
        return self.hits / self.total if self.total else 1.0


@dataclass
class Miss:
    record_id: str
    path: str
    category: str
    role: str
    text: str  # personal data: written only to the local report


@dataclass
class FeedScore:
    records_published: int = 0
    protected: Tally = field(default_factory=Tally)            # hits = labels that did not leak
    protected_by_category: dict = field(default_factory=lambda: defaultdict(Tally))
    protected_by_role: dict = field(default_factory=lambda: defaultdict(Tally))
    misses: list = field(default_factory=list)
    names_in_fields: Tally = field(default_factory=Tally)     # hits = still present
    names_in_narrative: Tally = field(default_factory=Tally)
    charges: Tally = field(default_factory=Tally)
    narrative_chars: Tally = field(default_factory=Tally)     # hits = kept
    excluded_published: int = 0
    # the same figures split by how the narrative is typed: NER misses names
    # in capitals, the record's own context must not
    protected_by_case: dict = field(default_factory=lambda: defaultdict(Tally))
    utility_by_case: dict = field(default_factory=lambda: defaultdict(Tally))

    @property
    def utility(self) -> Tally:
        t = Tally()
        for part in (self.names_in_fields, self.names_in_narrative, self.charges):
            t.total += part.total
            t.hits += part.hits
        return t


def present(text: str, haystack: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(text)}(?!\w)", haystack, re.I) is not None


def string_leaves(obj, path=""):
    """(path, value) of every string in a record."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from string_leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from string_leaves(v, f"{path}[{i}]")
    elif isinstance(obj, str):
        yield path, obj


def _at(obj, path: str):
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        try:
            obj = obj[int(part[1:-1])] if part.startswith("[") else obj[part]
        except (KeyError, IndexError, TypeError):
            return None
    return obj


def _visible(record: dict, roles: set) -> dict:
    persons = [p for p in record.get("persons") or [] if p.get("role") in roles]
    ids = {p.get("person_id") for p in persons}
    charges = [c for c in record.get("charges") or [] if c.get("person_id") is None or c.get("person_id") in ids]
    return {**record, "persons": persons, "charges": charges}


def must_not_leave(label: dict, contract: Contract) -> bool:
    return label["role"] not in contract.roles or label["category"] in contract.strip


def narrative_kept(source: str, output: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """(characters outside labelled spans, of those still in the output, in order)."""
    labelled = bytearray(len(source))
    for start, end in spans:
        labelled[start:end] = b"\x01" * (end - start)
    matcher = difflib.SequenceMatcher(None, source, output, autojunk=False)
    kept = 0
    for block in matcher.get_matching_blocks():
        kept += sum(1 for i in range(block.a, block.a + block.size) if not labelled[i])
    return labelled.count(0), kept


def score_feed(contract: Contract, inputs: dict, labels: dict, feed: list[dict]) -> FeedScore:
    score = FeedScore()
    roles = set(contract.roles)
    for record in feed:
        rid = record.get("record_id")
        source, record_labels = inputs.get(rid), labels.get(rid)
        if source is None or record_labels is None:
            continue
        score.records_published += 1
        if exclusion_rule(source, contract) is not None:
            score.excluded_published += 1
        visible = _visible(source, roles)
        case = "capitals" if (source.get("narrative") or "").isupper() else "mixed case"
        allowed = {l["text"].lower() for l in record_labels if not must_not_leave(l, contract)}
        narrative = record.get("narrative") or ""
        for charge in record.get("charges") or []:
            if charge.get("description"):
                narrative = re.sub(re.escape(charge["description"]), " ", narrative, flags=re.I)
        fields = [(p, v) for p, v in string_leaves(record) if p != "narrative"]
        structured = " \n ".join(v for _, v in fields)
        for label in record_labels:
            text = label["text"]
            if must_not_leave(label, contract):
                if text.lower() in allowed:
                    continue
                leaked = present(text, narrative) or any(
                    present(text, value) and not present(text, str(_at(visible, path) or "")) for path, value in fields)
                score.protected.add(not leaked)
                score.protected_by_case[case].add(not leaked)
                score.protected_by_category[label["category"]].add(not leaked)
                score.protected_by_role[label["role"]].add(not leaked)
                if leaked:
                    score.misses.append(Miss(rid, label["path"], label["category"], label["role"], text))
            elif label["category"] == "person_name" and label["path"] == "narrative":
                kept = present(text, record.get("narrative") or "")
                score.names_in_narrative.add(kept)
                score.utility_by_case[case].add(kept)
            elif label["category"] == "person_name" and re.search(r"\.name\.(first|last)$", label["path"]):
                score.names_in_fields.add(present(text, structured))
            elif label["category"] == "charge":
                score.charges.add(present(text, structured))
        if isinstance(source.get("narrative"), str) and isinstance(record.get("narrative"), str):
            spans = [(l["start"], l["end"]) for l in record_labels if l["path"] == "narrative"]
            total, kept = narrative_kept(source["narrative"], record["narrative"], spans)
            score.narrative_chars.total += total
            score.narrative_chars.hits += kept
    return score
