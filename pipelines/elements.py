"""What travels between the stages: one typed element per hop of the data's path.

Each stage declares the element it takes and the one it makes
(`with_input_types`/`with_output_types`), so a pipeline wired in the wrong
order fails when it is built, not on a worker halfway through an export.
`src` is (file index, line number) everywhere: it orders the feed and
names a record in every message without any of its values.
"""
from typing import NamedTuple

Src = tuple[int, int]

# Tags of the side outputs that withhold a record
QUARANTINE, DEAD_LETTER, EXCLUDED = "quarantine", "dead_letter", "excluded"
# Tags of the outputs that compare a run with what the recipient holds
UNCHANGED, KEPT, RETRACTED, DISCLOSED = "unchanged", "kept", "retracted", "disclosed"


class Line(NamedTuple):
    """One physical line of an export, as bytes."""
    src: Src
    raw: bytes


class Row(NamedTuple):
    """One record of a tabular export: its row (a CSV row, a database's record row) and, from a
    database with persons and charges tables, the record's rows there; only the columns the
    mapping names, as text. `problem` says why it is no row (too few or too many fields),
    never what it holds."""
    src: Src
    columns: dict | None
    problem: str | None = None
    persons: tuple | None = None
    charges: tuple | None = None


class Parsed(NamedTuple):
    """A line that is a record of the spec's shape."""
    src: Src
    record: dict


class Shaped(NamedTuple):
    """The recipient's view of a record, its free text at `texts` not yet redacted."""
    src: Src
    record: dict
    output: dict
    texts: tuple


class Redacted(NamedTuple):
    """A shaped record with every free-text value redacted, and what was redacted."""
    src: Src
    record: dict
    output: dict
    entities: dict


class Excluded(NamedTuple):
    """A record an exclusion rule keeps from every release, by the rule's name."""
    src: Src
    record_id: str | None
    rule: str


class Retraction(NamedTuple):
    """A held record the recipient must delete (`ledger.changes.retraction`): its recipient id goes to
    the recipient, its reason to the ledger alone. Retractions are ordered by their line, so `src`
    is the same for all."""
    body: dict
    src: Src = (0, 0)


class Disclosure(NamedTuple):
    """What the ledger keeps of one published record (`ledger.disclosure`): no values."""
    src: Src
    body: dict


class DeadLetter(NamedTuple):
    """A line that is not a record; `line` is the text as read (personal data: an owner-only file)."""
    src: Src
    reason: str
    problem: str
    line: str

    @classmethod
    def at(cls, src: Src, places: list[str], problem: str, line: str) -> "DeadLetter":
        """`places[file]` says where position {} of that input is ("line {} of file x.jsonl")."""
        index, position = src
        return cls(src, f"{places[index].format(position)}: {problem}", problem, line)


class Quarantined(NamedTuple):
    """A record withheld by a stage, with reasons that name fields, never values."""
    src: Src
    stage: str
    record_id: str | None
    reasons: list
    output: dict | None

    @classmethod
    def of(cls, element, stage: str, reasons: list[str], output: dict | None = None) -> "Quarantined":
        return cls(element.src, stage, element.record.get("record_id"), reasons, output)
