"""A YAML file into a validated pydantic model, or every problem with file, line and key.

Contracts and source mappings are written by people who read the YAML, not
a pydantic traceback, so each error names the file, the line of the key
and the key's path. Duplicate keys are errors too: PyYAML would silently
keep the last one.
"""
from pathlib import Path
from typing import Callable, Iterable

from pydantic import BaseModel, ValidationError

from redaction_rules.yaml_document import YamlRefused, parse_yaml

FRIENDLY = {
    "extra_forbidden": "unknown key",
    "missing": "missing required key",
    "bool_type": "not true or false",
    "int_type": "not a whole number",
    "float_type": "not a number",
    "string_type": "not a string",
    "list_type": "not a list",
    "dict_type": "not a mapping",
}


class ModelFileError(Exception):
    """A file that cannot be used; `messages` lists every problem found."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def _locate(loc: tuple, lines: dict, tags: Iterable[str]) -> tuple[tuple, int]:
    """The deepest part of a pydantic location that exists in the YAML.

    Pydantic puts union tags (an operator's name, a source's kind) into
    locations; they are not keys of the file and are skipped.
    """
    found, kept = (), ()
    for part in loc:
        candidate = kept + (part,)
        if candidate in lines:
            kept = candidate
            found = kept
        elif isinstance(part, str) and part not in tags:
            found = kept + (part,)  # a missing key: report it, at the line of its parent
    return found, lines.get(kept, 1)


def _render(loc: tuple) -> str:
    return "/".join(str(p) for p in loc) or "(top level)"


def load_model(path: Path, model: type[BaseModel], what: str, error: type[ModelFileError] = ModelFileError,
               tags: Iterable[str] = (), semantic: Callable[[BaseModel], list[tuple[tuple, str]]] | None = None,
               ) -> tuple[BaseModel, bytes]:
    """(the validated model, the file's bytes); `semantic` gives the rules that cross fields, by location."""
    tags = frozenset(tags)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error([f"{path}: cannot read {what} ({exc.strerror})"]) from None
    try:
        document = parse_yaml(raw, str(path))
    except YamlRefused as exc:
        raise error(exc.messages) from None
    if not isinstance(document.data, dict):
        raise error([f"{path}:1: a {what} is a YAML mapping"])
    messages = [f"{path}:{line}: {_render(loc)}: key given twice" for loc, line in document.duplicates]
    try:
        value = model.model_validate(document.data)
    except ValidationError as exc:
        for err in exc.errors():
            loc, line = _locate(tuple(err["loc"]), document.lines, tags)
            messages.append(f"{path}:{line}: {_render(loc)}: {FRIENDLY.get(err['type'], err['msg'])}")
        raise error(messages) from None
    for loc, msg in (semantic(value) if semantic else []):
        _, line = _locate(loc, document.lines, tags)
        messages.append(f"{path}:{line}: {_render(loc)}: {msg}")
    if messages:
        raise error(messages)
    return value, raw
