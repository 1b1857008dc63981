"""The fields of the input spec, as paths a contract can name.

Derived from `arrest-record.schema.json` rather than listed by hand, so that
a field added to the spec is known here (and, until a contract names it,
withheld) without touching code. Arrays are implicit in a path:
`persons.address.zip` is the zip of every person, `persons.aliases` every
alias of every person.
"""
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

# What kind of value a leaf holds decides which generalizations make sense.
FIELD_KINDS = {
    "arrest_datetime": "datetime",
    "court_events.datetime": "datetime",
    "persons.dob": "dob",
    "persons.address.zip": "zip",
    "persons.address.line1": "street",
    "incident_location": "street",
    "court_events.address": "street",
    "narrative": "free_text",
}

# Fields that, by their nature, belong to a category a contract can strip
# wherever it occurs. Interpreter language stands with nationality: it was one
# of the ways a national origin could be read from the data.
CATEGORY_FIELDS = {
    "immigration_status": ("persons.immigration_status", "persons.alien_number"),
    "place_of_birth": ("persons.place_of_birth.city", "persons.place_of_birth.state",
                       "persons.place_of_birth.country"),
    "nationality": ("persons.citizenship", "persons.interpreter_language"),
    "court_dates": ("court_events.datetime", "court_events.courtroom"),
}

# Leaves that hold identity: a removed person's value here must not appear
# anywhere in the feed. The rest (sex, race codes, role) identify nobody alone.
IDENTIFYING_PERSON_FIELDS = (
    "persons.name.first", "persons.name.middle", "persons.name.last", "persons.aliases",
    "persons.dob", "persons.address.line1", "persons.address.line2", "persons.address.zip",
    "persons.phone", "persons.email", "persons.ssn", "persons.drivers_license",
    "persons.state_id", "persons.fbi_number", "persons.photo_id", "persons.passport_number",
    "persons.alien_number",
)


@dataclass(frozen=True)
class Field:
    path: str
    kind: str  # string, number, boolean, datetime, dob, zip, street, free_text, enum

    @property
    def is_person_field(self) -> bool:
        return self.path.startswith("persons.")

    @property
    def category(self) -> str | None:
        for category, paths in CATEGORY_FIELDS.items():
            if self.path in paths:
                return category
        return None


def _leaves(schema: dict, defs: dict, prefix: str):
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[1]]
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else types
    if "properties" in schema:
        for name, sub in schema["properties"].items():
            yield from _leaves(sub, defs, f"{prefix}.{name}" if prefix else name)
    elif "items" in schema and "array" in types:
        yield from _leaves(schema["items"], defs, prefix)
    else:
        kind = FIELD_KINDS.get(prefix)
        if kind is None:
            if "enum" in schema:
                kind = "enum"
            else:
                kind = next((t for t in ("string", "number", "integer", "boolean") if t in types), "string")
        yield Field(prefix, kind)


@cache
def record_schema() -> dict:
    return json.loads(resources.files("redaction_rules").joinpath("arrest-record.schema.json").read_text())


@cache
def enum_values() -> frozenset[str]:
    """Every string value the spec enumerates for any field, lower case."""
    values, stack = set(), [record_schema()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            values.update(v.lower() for v in node.get("enum", ()) if isinstance(v, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(values)


@cache
def catalog() -> dict[str, Field]:
    schema = record_schema()
    return {f.path: f for f in _leaves(schema, schema.get("$defs", {}), "")}
