"""From detected spans to redacted text, as the contract says.

Overlapping detections are merged into one region, and the region takes the
label of its most important member: a removed person first (the
placeholder must say <VICTIM_1>, not <PERSON>), then a stripped category,
then anything else by score. A region is replaced once, so no fragment of a
longer match survives between two shorter ones.

A personal attribute the contract would keep (a birthplace, a nationality,
a phone; not a date or an age) is still withheld when its sentence mentions a removed person:
"<VICTIM_1> is originally from Odesa" is about the victim even when the
victim's record holds no birthplace to match. When in doubt, withhold.

Generic detections (NER, patterns) that cover only text the contract allows
(a kept person's name with its title, the record's charge descriptions)
are dropped. So are generic name and organization guesses inside a place
of more than one word that the gazetteers know and the contract keeps:
"San Leandro" or "Jackson Heights" is a place, never half a name or a
whole one, and so is one of the city's own places when the contract names
its list (`city_places`: "fled on Lehigh toward Fishtown"); and organization guesses that are vehicles ("2016 Kia", "Honda
Civic", from faker-vehicle's makes and models). A removed person or a
stripped category is never dropped.
"""
import re
from collections import Counter
from dataclasses import dataclass

from redaction_rules import city_places
from redaction_rules.case_folding import fold_case
from redaction_rules.contract import ROLE_ENTITIES, ROLES, Contract
from redaction_rules.operators import hundred_block
from redaction_rules.recognizers import KEPT, gazetteers

# Words a detection may spill over beside a kept name without finding more: titles, roles, "aka".
_TITLE_WORDS = gazetteers.NAME_TITLES | set(ROLES) | {"the", "defendant", "aka"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'/-]*")
_SENTENCE_END = re.compile(r"[.;!?](?=\s|$)")
# NER's guesses, which often spill over a neighbouring kept name ("Wharton
# St. Diego Laboy" as one ORG): only what lies outside allowed text is redacted.
SPILLING = {"PERSON", "ORGANIZATION", "NRP", "LOCATION"}
# Guesses that a known place of several words can hold without being them.
NAME_LIKE = {"PERSON", "ORGANIZATION"}
_EDGE_PUNCTUATION = " .,;:!?\"'()"


_MODEL_YEAR = re.compile(r"^(?:(?:19|20)\d{2}|'?\d{2})\s+")


def _is_vehicle(text: str) -> bool:
    """'2016 Kia', 'Kia', 'Honda Civic', 'Chevy Impala LT': a make or a model, or a make and its model.

    Several words are a vehicle only when their first two are a make and its
    model: a make is also a name ("Lincoln", "Mercedes"), and "Lincoln Jones"
    or "Mercedes Garcia" filed as an organization stays redacted.
    """
    name = _MODEL_YEAR.sub("", " ".join(fold_case(text.strip(_EDGE_PUNCTUATION)).split()))
    words = name.split()
    lists = gazetteers.load()
    if len(words) == 1:
        return name in lists["vehicles"] or name in lists["vehicle_makes"]
    return len(words) <= 4 and " ".join(words[:2]) in lists["vehicles"]


def _known_multiword_place(text: str) -> bool:
    place = " ".join(fold_case(text.strip(_EDGE_PUNCTUATION)).split())
    return (" " in place or "-" in place) and place in gazetteers.load()["places"]
# Not DATE_TIME: an age, a duration or the incident's date is not the removed
# person's; their date of birth is found as theirs (disclosure_policy.date_spellings).
ATTRIBUTES = {"PLACE_OF_BIRTH", "NATIONALITY", "NRP", "IMMIGRATION_STATUS", "PHONE_NUMBER",
              "EMAIL_ADDRESS", "STREET_ADDRESS", "US_SSN"}


@dataclass
class Span:
    start: int
    end: int
    entity: str
    score: float
    ordinal: int | None = None
    detail: str | None = None


@dataclass
class Redaction:
    text: str
    entities: Counter


class TextRedactor:
    def __init__(self, contract: Contract):
        self.contract = contract
        self.threshold = contract.free_text.score_threshold if contract.free_text else 0.0
        self.removed_entities = {ROLE_ENTITIES[r] for r in contract.removed_roles}
        self.stripped_entities = contract.stripped_entities()
        named = contract.free_text.city_places if contract.free_text else None
        self.city_places = city_places.load(named) if named else None

    def _rank(self, span: Span) -> tuple:
        if span.entity in self.removed_entities:
            tier = 0
        elif span.entity in self.stripped_entities:
            tier = 1
        else:
            tier = 2
        return (tier, -span.score, -(span.end - span.start))

    @staticmethod
    def _only_kept(text: str, span: Span, kept: list[Span]) -> bool:
        """True when the span has words, and each lies in allowed text or is a title."""
        covered = False
        for w in _WORD.finditer(text, span.start, span.end):
            start, end = w.start(), w.end()
            if any(k.start <= start and end <= k.end for k in kept):
                covered = True
            elif w.group().lower().rstrip(".") not in _TITLE_WORDS:
                return False
        return covered

    def _attribute_owner(self, text: str, span: Span, removed: list[Span], kept: list[Span]) -> Span | None:
        """The removed person an attribute is about, or None when it is about a kept one.

        The nearest person mentioned before it in its sentence owns it; with
        no one before it, the first removed person of the sentence does.
        """
        starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text, 0, span.start)]
        end = _SENTENCE_END.search(text, span.end)
        lo, hi = starts[-1], end.end() if end else len(text)
        inside = [r for r in removed if lo <= r.start and r.end <= hi and r.detail is None]
        if not inside:
            return None
        people = inside + [k for k in kept if lo <= k.start and k.end <= span.start]
        before = [r for r in people if r.end <= span.start]
        owner = max(before, key=lambda r: r.end) if before else inside[0]
        return None if owner.entity == KEPT else owner

    @staticmethod
    def _outside_kept(text: str, span: Span, kept: list[Span]) -> list[Span]:
        """The parts of a span outside allowed text that still hold a word other than a title."""
        cuts = sorted((max(k.start, span.start), min(k.end, span.end)) for k in kept
                      if k.start < span.end and span.start < k.end)
        parts, pos = [], span.start
        for start, end in cuts + [(span.end, span.end)]:
            if start > pos:
                parts.append((pos, start))
            pos = max(pos, end)
        out = []
        for start, end in parts:
            words = [w for w in _WORD.finditer(text, start, end) if w.group().lower().rstrip(".") not in _TITLE_WORDS]
            if words:
                out.append(Span(words[0].start(), words[-1].end(), span.entity, span.score, span.ordinal, span.detail))
        return out

    def spans(self, text: str, results) -> list[Span]:
        spans = []
        for r in results:
            meta = getattr(r, "recognition_metadata", None) or {}
            spans.append(Span(r.start, r.end, r.entity_type, r.score, meta.get("ordinal"), meta.get("detail")))
        kept = [s for s in spans if s.entity == KEPT]
        removed = [s for s in spans if s.entity in self.removed_entities]
        places = []
        if self.contract.text_operator("LOCATION") == "keep":
            places = [s for s in spans if s.entity == "LOCATION" and s.score >= self.threshold
                      and _known_multiword_place(text[s.start:s.end])]
            if self.city_places:
                places += [Span(start, end, "LOCATION", 1.0) for start, end in self.city_places.spans(text)]
        out = []
        for s in spans:
            if (s.entity in ATTRIBUTES and removed and s.score >= self.threshold
                    and self.contract.text_operator(s.entity) == "keep"):
                owner = self._attribute_owner(text, s, removed, kept)
                if owner is not None:
                    out.append(Span(s.start, s.end, owner.entity, 1.0, owner.ordinal, s.entity))
                    continue
            if s.entity == KEPT or s.end <= s.start:
                continue
            if s.score < self.threshold and s.entity not in self.removed_entities:
                continue
            generic = s.entity not in self.removed_entities and s.entity not in self.stripped_entities
            if generic and s.entity == "ORGANIZATION" and _is_vehicle(text[s.start:s.end]):
                continue  # a car is no organization (and "Ford" alone, as a PERSON guess, stays a name)
            allowed = kept + places if s.entity in NAME_LIKE else kept
            if generic and allowed and s.entity in SPILLING:
                if self.contract.text_operator(s.entity) != "keep":
                    out.extend(self._outside_kept(text, s, allowed))
                continue
            if generic and kept and self._only_kept(text, s, kept):
                continue
            if self.contract.text_operator(s.entity) == "keep":
                continue
            out.append(s)
        return out

    def _replacement(self, region_text: str, span: Span, numbering: dict) -> str:
        op = self.contract.text_operator(span.entity)
        if op == "remove":
            return ""
        if op == "hundred_block":
            return hundred_block(region_text) or f"<{span.entity}>"
        if op == "numbered":
            if span.ordinal is not None:
                return f"<{span.entity}_{span.ordinal}{'_' + span.detail if span.detail else ''}>"
            key = (span.entity, " ".join(region_text.lower().split()))
            numbering.setdefault(key, sum(1 for k in numbering if k[0] == span.entity) + 1)
            return f"<{span.entity}_{numbering[key]}>"
        return f"<{span.entity}>"

    def redact(self, text: str, results) -> Redaction:
        spans = sorted(self.spans(text, results), key=lambda s: (s.start, -s.end))
        regions: list[list[Span]] = []
        region_end = -1
        for s in spans:
            if regions and s.start < region_end:
                regions[-1].append(s)
                region_end = max(region_end, s.end)
            else:
                regions.append([s])
                region_end = s.end
        out, pos, counts, numbering = [], 0, Counter(), {}
        for members in regions:
            start = min(s.start for s in members)
            end = max(s.end for s in members)
            winner = min(members, key=self._rank)
            # a hundred block is only a fair replacement for a region that is all address
            if self.contract.text_operator(winner.entity) == "hundred_block" and (winner.start, winner.end) != (start, end):
                winner = Span(start, end, winner.entity, winner.score)
                replacement = f"<{winner.entity}>"
            else:
                replacement = self._replacement(text[start:end], winner, numbering)
            out.append(text[pos:start])
            out.append(replacement)
            pos = end
            counts[winner.entity] += 1
        out.append(text[pos:])
        return Redaction("".join(out), counts)
