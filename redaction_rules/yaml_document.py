"""Reading a configuration YAML file that may have been written carelessly or by an adversary.

A contract or engine file is small and flat. YAML's aliases let a few
hundred bytes expand into gigabytes ("billion laughs"), and deep nesting
makes PyYAML's recursive composer raise RecursionError; neither has a use
in a contract. So the file is first read as a stream of parser events
(flat, no recursion, no expansion): an anchor or alias, nesting deeper than
`MAX_DEPTH`, or a file larger than `MAX_BYTES` is refused before anything
is built. Then each key path is mapped to its line (for messages a person
can act on) and duplicate keys are found, which PyYAML would silently let
the last one win.
"""
from dataclasses import dataclass

import yaml

MAX_BYTES = 1 << 20
MAX_DEPTH = 32
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlRefused(ValueError):
    """`messages`: each a `where:line: problem` a person can act on."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass(frozen=True)
class YamlDocument:
    data: object
    lines: dict          # key path (tuple) -> 1-based line
    duplicates: list     # (key path, line) of every key given twice


def _prescan(text: str, where: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlRefused([f"{where}:{line}: YAML anchors and aliases are not allowed here"])
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlRefused([f"{where}:{line}: nested more than {MAX_DEPTH} levels deep"])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _line_map(node, path=(), lines=None, dups=None):
    lines = {} if lines is None else lines
    dups = [] if dups is None else dups
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                dups.append((path + (key,), key_node.start_mark.line + 1))
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, path + (key,), lines, dups)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (i,), lines, dups)
    return lines, dups


def parse_yaml(raw: bytes, where: str) -> YamlDocument:
    if len(raw) > MAX_BYTES:
        raise YamlRefused([f"{where}: larger than {MAX_BYTES:,} bytes; not a configuration file"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlRefused([f"{where}: not UTF-8 (byte {exc.start})"]) from None
    try:
        _prescan(text, where)
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{where}:{mark.line + 1}" if mark else where
        raise YamlRefused([f"{at}: not valid YAML ({getattr(exc, 'problem', None) or 'syntax error'})"]) from None
    if node is None:
        return YamlDocument(None, {(): 1}, [])
    lines, dups = _line_map(node)
    return YamlDocument(data, lines, dups)
