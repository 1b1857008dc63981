"""How a city's export layout becomes the input spec: a source mapping, validated like a contract.

A mapping says, for each spec field it fills, where the value comes from
(a column, a constant, or a template of columns) and how it is read (a
code table, a date or datetime format). It lists columns, never drops
them: a column it does not name is never read into the pipeline, so an
export that grows a column cannot leak it. Values a mapping cannot read
(a code its table lacks, a date in another format, a number that is not
one) make the row a dead letter, never a guess.

A file's row is one record (its person and charge from the row's
columns, as the NYPD's arrest export keeps them), or with `group_by` the
rows that share a key are (one row per person or per charge): each row
then gives the record a person and a charge, the same ones once, and rows
that disagree on a record field make the record a dead letter. A
database's record row is joined to its rows in a persons and a charges
table, as PARS keeps them.
"""
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from redaction_rules.fields import FIELD_KINDS, catalog
from redaction_rules.yaml_model import ModelFileError, load_model

SOURCES_DIR = Path(__file__).resolve().parent / "sources"
TEMPLATE_COLUMN = re.compile(r"\{([^{}]+)\}")
Scalar = StrictStr | StrictBool | StrictInt | StrictFloat


class MappingError(ModelFileError):
    """A source mapping that cannot be used; `messages` lists every problem found."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Source(Strict):
    """Where one spec field's value comes from: exactly one of `column`, `constant`, `template`."""
    column: StrictStr | None = None
    constant: Scalar | None = None
    template: StrictStr | None = None  # "NYPD-{ARREST_KEY}": columns in braces
    # a value of the column → the spec's value; a value not in the table makes the row a dead letter
    codes: dict[StrictStr, Scalar | None] | None = None
    date_format: StrictStr | None = None      # strptime format of a date, e.g. "%m/%d/%Y"
    datetime_format: StrictStr | None = None  # strptime format of a date and time

    @property
    def columns(self) -> list[str]:
        if self.column is not None:
            return [self.column]
        return TEMPLATE_COLUMN.findall(self.template) if self.template is not None else []


def _shorthand(value):
    """`record_id: ARREST_KEY` is short for `{column: ARREST_KEY}`."""
    return {"column": value} if isinstance(value, str) else value


FieldSource = Annotated[Source, BeforeValidator(_shorthand)]


class CsvOptions(Strict):
    delimiter: StrictStr = Field(default=",", min_length=1, max_length=1)
    quotechar: StrictStr = Field(default='"', min_length=1, max_length=1)
    # the text encoding; an ASCII-compatible one (utf-8, latin-1, cp1252), since rows are found by their line ends
    encoding: StrictStr = "utf-8"


class TableRef(Strict):
    """A table (`schema.table` allowed) or a query whose result the mapping reads like one."""
    table: StrictStr | None = None
    query: StrictStr | None = None
    # columns that order a record's rows of this table (persons by their sequence number, say)
    order_by: list[StrictStr] = []


class SqlSource(Strict):
    """A database: the record table, and optionally one table of persons and one of charges,
    joined by `key`, the column each of them holds the record's key in (PARS keeps them so)."""
    key: StrictStr
    record: TableRef
    persons: TableRef | None = None
    charges: TableRef | None = None
    # a column of the record table that the database sets whenever any of the record's rows changes
    # (a trigger, say): `feedshield watch` polls by it for the records changed since the last release
    updated_at: StrictStr | None = None


class SourceMapping(Strict):
    apiVersion: Literal["feedshield/v1"]
    kind: Literal["SourceMapping"]
    id: StrictStr
    version: StrictStr
    description: StrictStr | None = None
    format: Literal["csv", "parquet", "sql"]
    csv: CsvOptions = CsvOptions()
    sql: SqlSource | None = None
    # csv and parquet: the column whose value the rows of one record share (one row per person or charge)
    group_by: StrictStr | None = None
    # spec fields outside persons and charges ("record_id", "flags.juvenile"), from the record's row
    record: dict[StrictStr, FieldSource]
    # each entry is one person of every record, from the record's row; with a persons table, its one
    # entry maps each of the record's rows there. The keys are the fields below `persons.`
    persons: list[dict[StrictStr, FieldSource]] = []
    # the same for charges, the keys the fields below `charges.`
    charges: list[dict[StrictStr, FieldSource]] = []

    def table_of(self, section: str) -> TableRef | None:
        """The table a section's rows come from, when it is not the record's own row."""
        return getattr(self.sql, section) if self.sql is not None and section != "record" else None

    def sources(self):
        """(location in the YAML, spec path, source) of every mapped field."""
        for path, source in self.record.items():
            yield ("record", path), path, source
        for section in ("persons", "charges"):
            for i, entry in enumerate(getattr(self, section)):
                for path, source in entry.items():
                    yield (section, i, path), f"{section}.{path}", source

    @property
    def columns(self) -> list[str]:
        """Every column the mapping reads from the record's row, in the order it names them."""
        return list(dict.fromkeys(([self.group_by] if self.group_by else []) + self.columns_of("record")))

    def columns_of(self, table: str) -> list[str]:
        """The columns read from one table ("record", "persons", "charges")."""
        own = {"record"} | {s for s in ("persons", "charges") if self.table_of(s) is None}
        wanted = own if table == "record" else {table}
        return list(dict.fromkeys(c for loc, _, source in self.sources() if loc[0] in wanted for c in source.columns))


_ARRAYS = ("persons.", "charges.", "court_events.")


def semantic_errors(mapping: SourceMapping) -> list[tuple[tuple, str]]:
    errors = []
    fields = catalog()
    for loc, path, source in mapping.sources():
        given = [k for k in ("column", "constant", "template") if k in source.model_fields_set]
        if len(given) != 1:
            errors.append((loc, "give exactly one of column, constant, template"))
        if loc[0] == "record" and path.startswith(_ARRAYS):
            errors.append((loc, f"{path} is a field of a list: map it under persons or charges"))
        elif path not in fields:
            errors.append((loc, f"unknown field {path!r}: not in the input spec"))
        if source.template is not None and not source.columns:
            errors.append((loc + ("template",), "a template names at least one column in braces"))
        if source.date_format and source.datetime_format:
            errors.append((loc, "give date_format or datetime_format, not both"))
        kind = FIELD_KINDS.get(path)
        if source.date_format and kind not in ("dob", "datetime"):
            errors.append((loc + ("date_format",), f"{path} is not a date"))
        if source.datetime_format and kind != "datetime":
            errors.append((loc + ("datetime_format",), f"{path} is not a date and time"))
        if source.codes is not None and source.constant is not None:
            errors.append((loc + ("codes",), "a constant needs no code table"))
    try:
        ascii_compatible = "\n\r,;|\t\"'".encode(mapping.csv.encoding) == b"\n\r,;|\t\"'"
    except LookupError:
        errors.append((("csv", "encoding"), f"{mapping.csv.encoding!r} is no encoding Python knows"))
    else:
        if not ascii_compatible:
            errors.append((("csv", "encoding"), "rows are found by their line ends: the encoding must write "
                                                "ASCII as ASCII (utf-8, latin-1, cp1252; not utf-16)"))
    if mapping.format == "sql" and mapping.sql is None:
        errors.append(((), "format sql needs an sql section: the key and the tables"))
    if mapping.format != "sql" and mapping.sql is not None:
        errors.append((("sql",), f"an sql section is for format sql, not {mapping.format}"))
    if mapping.group_by is not None:
        if mapping.format == "sql":
            errors.append((("group_by",), "a database joins its tables by sql.key: group_by is for csv and parquet"))
        for section in ("persons", "charges"):
            if len(getattr(mapping, section)) > 1:
                errors.append(((section,), f"with group_by, give one {section} entry: it maps each row of a record"))
    if mapping.sql is not None:
        for section in ("record", "persons", "charges"):
            ref = getattr(mapping.sql, section)
            if ref is not None and (ref.table is None) == (ref.query is None):
                errors.append((("sql", section), "give exactly one of table, query"))
            if section != "record" and ref is not None and len(getattr(mapping, section)) != 1:
                errors.append(((section,), f"with a {section} table, give one entry: it maps each of its rows"))
    if "record_id" not in mapping.record:
        errors.append((("record",), "record_id must be mapped: every record needs its id"))
    for i, person in enumerate(mapping.persons):
        if "role" not in person:
            errors.append((("persons", i), "role must be mapped: a person without a role cannot be shielded"))
    return errors


@dataclass(frozen=True)
class LoadedMapping:
    mapping: SourceMapping
    path: Path
    sha256: str


def load_mapping(path) -> LoadedMapping:
    path = Path(path)
    mapping, raw = load_model(path, SourceMapping, "source mapping", MappingError, semantic=semantic_errors)
    return LoadedMapping(mapping, path, hashlib.sha256(raw).hexdigest())
