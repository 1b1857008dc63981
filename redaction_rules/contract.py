"""A data-sharing agreement, as the only thing that decides what a recipient sees.

The model is strict on purpose: every mapping forbids unknown keys (a typo
such as `expires_in` must stop the run, not silently widen the feed), and
the cross-field rules in `semantic_errors` reject contracts that contradict
themselves. Structure is checked by pydantic; the loader
(`contract_loader.py`) turns both kinds of error into file:line messages.
"""
import re
from datetime import date
from typing import Annotated, Literal, Union, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from redaction_rules import places
from redaction_rules.fields import CATEGORY_FIELDS, catalog

ROLES = ("arrestee", "victim", "witness", "complainant", "other")
# Records that no agreement may release, whatever it says.
MANDATORY_EXCLUSIONS = ("juvenile", "sealed", "expunged")
# Built-in too, but a contract may waive it with allow_unknown_age (see exclusions.py).
AGE_UNKNOWN = "age_unknown"
BUILT_IN_EXCLUSIONS = (*MANDATORY_EXCLUSIONS, AGE_UNKNOWN)
CATEGORIES = tuple(CATEGORY_FIELDS)

# Free-text entities each stripped category must redact, wherever it occurs.
CATEGORY_ENTITIES = {
    "immigration_status": ("IMMIGRATION_STATUS",),
    "place_of_birth": ("PLACE_OF_BIRTH",),
    "nationality": ("NATIONALITY", "NRP"),
    "court_dates": ("DATE_TIME",),
}
# Entity type under which the record-context recognizer reports a removed
# person of each role.
ROLE_ENTITIES = {role: "OTHER_PERSON" if role == "other" else role.upper() for role in ROLES}
# Every entity type the built-in engine can report (its NER mapping and its
# recognizers; a test holds this to the engine), and the removed roles: the
# only names `free_text.entities` may give, so that a typo such as `VICTM`
# is an error instead of a rule that never applies.
ENGINE_ENTITIES = frozenset({
    "CREDIT_CARD", "CRYPTO", "DATE_TIME", "EMAIL_ADDRESS", "IBAN_CODE", "IMMIGRATION_STATUS", "IP_ADDRESS",
    "LOCATION", "MAC_ADDRESS", "NATIONALITY", "NRP", "ORGANIZATION", "PERSON", "PHONE_NUMBER",
    "PLACE_OF_BIRTH", "STREET_ADDRESS", "URL", "US_ITIN", "US_PASSPORT", "US_SSN"})
TEXT_ENTITIES = ENGINE_ENTITIES | frozenset(ROLE_ENTITIES.values())

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value):
    """YAML turns 2009-09-01 into a date; anything else must be that string form."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return date.fromisoformat(value)
    raise ValueError("a date must be written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class Strict(BaseModel):
    """No coercion: `quarantine_threshold: yes` or `keep_last: "4"` is an error, not 1.0 or 4."""
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# -- field operators ----------------------------------------------------------
class Keep(Strict):
    op: Literal["keep"]


class Pseudonymize(Strict):
    op: Literal["pseudonymize"]


class Generalize(Strict):
    op: Literal["generalize"]
    to: Literal["month", "year", "age", "age_band", "zip3", "hundred_block"]


class Mask(Strict):
    op: Literal["mask"]
    keep_last: int = Field(ge=0, le=8)


class Replace(Strict):
    op: Literal["replace"]
    value: str


class RedactText(Strict):
    op: Literal["redact_text"]


def _shorthand(value):
    """`keep` is short for `{op: keep}`; the same for operators without parameters."""
    return {"op": value} if isinstance(value, str) else value


OPERATOR_RULES = (Keep, Pseudonymize, Generalize, Mask, Replace, RedactText)
# The operator names, as a contract writes them (and pydantic tags its errors with)
OPERATORS = tuple(get_args(rule.model_fields["op"].annotation)[0] for rule in OPERATOR_RULES)
FieldRule = Annotated[Union[OPERATOR_RULES], Field(discriminator="op"), BeforeValidator(_shorthand)]

# Which generalization fits which kind of field (see fields.FIELD_KINDS).
GENERALIZATIONS = {
    "month": {"datetime", "dob"}, "year": {"datetime", "dob"},
    "age": {"dob"}, "age_band": {"dob"}, "zip3": {"zip"}, "hundred_block": {"street"},
}


# -- the agreement ------------------------------------------------------------
class Description(Strict):
    purpose: str
    usage: str | None = None
    limitations: str | None = None


class Term(Strict):
    """When the agreement covers a run.

    A terminated agreement still covered the dates before it ended, so a
    replay with `--as-of` inside its term is allowed (and recorded in the
    manifest); a suspended one covers nothing while suspended.
    """
    effective_from: IsoDate
    expires_on: IsoDate | None = None
    status: Literal["active", "suspended", "terminated"]
    terminated_on: IsoDate | None = None
    reason: str | None = None

    @property
    def ends_on(self) -> date | None:
        ends = [d for d in (self.expires_on, self.terminated_on) if d is not None]
        return min(ends) if ends else None


class Exclusion(Strict):
    """A record is excluded when every condition given holds."""
    rule: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    all_charges_class_in: list[Literal["felony", "misdemeanor", "summary"]] | None = None
    any_charge_class_in: list[Literal["felony", "misdemeanor", "summary"]] | None = None
    district_in: list[str] | None = None
    district_not_in: list[str] | None = None
    detention_status_in: list[Literal["held", "released", "bail_posted"]] | None = None
    arrested_before: IsoDate | None = None
    arrested_on_or_after: IsoDate | None = None


class KeyRef(Strict):
    key_env: str | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]*$")
    key_file: str | None = None


TextOperator = Literal["tag", "numbered", "hundred_block", "remove", "keep"]


class FreeText(Strict):
    default: Literal["tag", "numbered", "remove"] = "tag"
    entities: dict[str, TextOperator] = Field(default_factory=dict)
    score_threshold: float = Field(default=0.4, ge=0.0, le=1.0)
    # the city's own streets, neighbourhoods and landmarks (redaction_rules/places/NAME.yaml), kept as
    # places when the contract keeps LOCATION (city_places.py)
    city_places: str | None = None

    @field_validator("city_places")
    @classmethod
    def _place_list(cls, value):
        if value is not None and value not in places.available():
            raise ValueError(f"no place list {value!r}; shipped: {', '.join(places.available())}")
        return value

    @field_validator("entities")
    @classmethod
    def _entity_names(cls, value):
        for name in value:
            if not re.match(r"^[A-Z][A-Z0-9_]*$", name):
                raise ValueError(f"entity type {name!r} must be upper case like PERSON")
            if name not in TEXT_ENTITIES:
                raise ValueError(f"unknown entity type {name!r}; known: {', '.join(sorted(TEXT_ENTITIES))}")
        return value

    def operator(self, entity: str) -> str:
        return self.entities.get(entity, self.default)


class Verification(Strict):
    quarantine_threshold: float = Field(default=0.0, ge=0.0, le=1.0)
    # the share of input records that may be dead letters: above it the export, or its mapping, is
    # wrong, and a feed of what was left would silently miss records
    dead_letter_threshold: float = Field(default=0.01, ge=0.0, le=1.0)


class LDiverse(Strict):
    sensitive: str
    l: int = Field(ge=2)  # noqa: E741 (the model's own name)


class Risk(Strict):
    """The re-identification gate (`risk.py`): classes of the quasi-identifiers smaller than k,
    or with fewer than l sensitive values, are suppressed, generalized one step, or fail the run."""
    quasi_identifiers: list[str] = Field(min_length=1)
    k: int = Field(ge=2)
    l_diverse: LDiverse | None = None
    action: Literal["suppress", "generalize", "fail"]
    generalize: dict[str, Literal["quarter", "year", "wide_age_band", "zip2", "suppress"]] = Field(default_factory=dict)


class Contract(Strict):
    apiVersion: Literal["feedshield/v1"]
    kind: Literal["DataSharingAgreement"]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str
    recipient: str
    amends: str | None = None
    description: Description
    term: Term
    roles: list[Literal["arrestee", "victim", "witness", "complainant", "other"]] = Field(min_length=1)
    exclude: list[Exclusion] = Field(default_factory=list)
    allow_unknown_age: bool = False
    strip: list[Literal["immigration_status", "place_of_birth", "nationality", "court_dates"]] = Field(default_factory=list)
    extra_fields: list[str] = Field(default_factory=list)
    fields: dict[str, FieldRule]
    free_text: FreeText | None = None
    pseudonymization: KeyRef | None = None
    verification: Verification = Field(default_factory=Verification)
    risk: Risk | None = None

    # -- lifecycle -------------------------------------------------------
    def in_force(self, as_of: date) -> tuple[bool, str]:
        """Whether the agreement covers `as_of`, and a sentence that says why."""
        t = self.term
        reason = f" ({t.reason})" if t.reason else ""
        if t.status == "suspended":
            return False, f"suspended{reason}"
        if as_of < t.effective_from:
            return False, f"not effective until {t.effective_from.isoformat()}"
        if t.ends_on is not None and as_of > t.ends_on:
            verb = "terminated" if t.status == "terminated" else "expired"
            return False, f"{verb} on {t.ends_on.isoformat()}{reason}"
        until = f" until {t.ends_on.isoformat()}" if t.ends_on else ""
        return True, f"in force from {t.effective_from.isoformat()}{until}"

    # -- derived views ---------------------------------------------------
    @property
    def removed_roles(self) -> tuple[str, ...]:
        return tuple(r for r in ROLES if r not in self.roles)

    def stripped_entities(self) -> set[str]:
        return {e for c in self.strip for e in CATEGORY_ENTITIES[c]}

    def text_operator(self, entity: str) -> str:
        """The operator for an entity in free text; stripped categories are never kept."""
        op = self.free_text.operator(entity) if self.free_text else "tag"
        if entity in self.stripped_entities() and op == "keep":
            return "tag"
        return op

    @property
    def shows_record_id(self) -> bool:
        """Whether the recipient can tell one record from another across releases: only then can a
        release update or retract what an earlier one sent."""
        return isinstance(self.fields.get("record_id"), (Keep, Pseudonymize))

    def field_paths(self) -> dict:
        known = dict(catalog())
        for path in self.extra_fields:
            known.setdefault(path, None)
        return known


def _risk_errors(contract: Contract) -> list[tuple[tuple, str]]:
    risk = contract.risk
    if risk is None:
        return []
    errors = []
    for i, qi in enumerate(risk.quasi_identifiers):
        if qi not in contract.fields:
            errors.append((("risk", "quasi_identifiers", i), f"{qi} is not a field this contract discloses"))
    if len(set(risk.quasi_identifiers)) != len(risk.quasi_identifiers):
        errors.append((("risk", "quasi_identifiers"), "a quasi-identifier is named twice"))
    if risk.l_diverse is not None and risk.l_diverse.sensitive not in contract.fields:
        errors.append((("risk", "l_diverse", "sensitive"), f"{risk.l_diverse.sensitive} is not a field this contract discloses"))
    for qi in risk.generalize:
        if qi not in risk.quasi_identifiers:
            errors.append((("risk", "generalize", qi), f"{qi} is not one of the quasi_identifiers"))
    if risk.action == "generalize" and not risk.generalize:
        errors.append((("risk", "generalize"), "action generalize needs the step to take for at least one quasi-identifier"))
    if risk.action != "generalize" and risk.generalize:
        errors.append((("risk", "generalize"), f"generalize steps are given but the action is {risk.action}"))
    return errors


def semantic_errors(contract: Contract) -> list[tuple[tuple, str]]:
    """Rules that cross fields: each error is (location in the YAML, message)."""
    errors = []
    known = contract.field_paths()
    cat = catalog()
    for path in contract.extra_fields:
        if path in cat:
            errors.append((("extra_fields",), f"{path} is already in the input spec"))
    stripped = {p: c for c in contract.strip for p in CATEGORY_FIELDS[c]}
    for path, rule in contract.fields.items():
        loc = ("fields", path)
        if path not in known:
            errors.append((loc, f"unknown field {path!r}: not in the input spec nor in extra_fields"))
            continue
        if path in stripped:
            errors.append((loc, f"{path} is allowed here but its category {stripped[path]!r} is stripped"))
        field = cat.get(path)
        kind = field.kind if field else "string"
        if isinstance(rule, Generalize) and kind not in GENERALIZATIONS[rule.to]:
            errors.append((loc, f"generalize to {rule.to} does not apply to {path} ({kind})"))
        if isinstance(rule, RedactText) and contract.free_text is None:
            errors.append((loc, "redact_text needs a free_text section"))
        if kind == "free_text" and not isinstance(rule, RedactText):
            errors.append((loc, f"{path} is free text: it can only be sent through redact_text"))
        if isinstance(rule, Pseudonymize) and contract.pseudonymization is None:
            errors.append((loc, "pseudonymize needs a pseudonymization key (key_env or key_file)"))
    if contract.pseudonymization is not None:
        ref = contract.pseudonymization
        if (ref.key_env is None) == (ref.key_file is None):
            errors.append((("pseudonymization",), "give exactly one of key_env and key_file"))
    if contract.free_text is not None:
        for entity, op in contract.free_text.entities.items():
            loc = ("free_text", "entities", entity)
            if op == "keep" and entity in contract.stripped_entities():
                errors.append((loc, f"{entity} is kept but its category is stripped"))
            if op == "keep" and entity in {ROLE_ENTITIES[r] for r in contract.removed_roles}:
                errors.append((loc, f"{entity} names a removed role and cannot be kept"))
            if op == "hundred_block" and entity != "STREET_ADDRESS":
                errors.append((loc, "hundred_block applies to STREET_ADDRESS only"))
    errors += _risk_errors(contract)
    for i, rule in enumerate(contract.exclude):
        conditions = rule.model_dump(exclude={"rule"}, exclude_none=True)
        if not conditions:
            errors.append((("exclude", i), f"exclusion {rule.rule!r} has no condition"))
        if rule.rule in BUILT_IN_EXCLUSIONS:
            errors.append((("exclude", i, "rule"), f"{rule.rule!r} is a built-in exclusion and cannot be redefined"))
    names = [r.rule for r in contract.exclude]
    for name in {n for n in names if names.count(n) > 1}:
        errors.append((("exclude",), f"exclusion rule {name!r} is defined twice"))
    term = contract.term
    if term.expires_on and term.expires_on < term.effective_from:
        errors.append((("term", "expires_on"), "expires_on is before effective_from"))
    if term.status == "terminated" and term.ends_on is None:
        errors.append((("term", "status"), "a terminated agreement needs expires_on or terminated_on"))
    if term.status != "terminated" and term.terminated_on is not None:
        errors.append((("term", "terminated_on"), "terminated_on is set but status is not terminated"))
    if len(set(contract.roles)) != len(contract.roles):
        errors.append((("roles",), "a role is listed twice"))
    return errors
