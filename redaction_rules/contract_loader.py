"""Reading a contract file: YAML in, a validated `Contract` or errors out.

Every error names the file, the line and the key, because the person who
fixes a contract is reading the YAML, not a pydantic traceback. Duplicate
keys are errors too: PyYAML would silently keep the last one.
"""
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from redaction_rules.contract import OPERATORS, Contract, semantic_errors
from redaction_rules.yaml_document import YamlRefused, parse_yaml

CONTRACTS_DIR = Path(__file__).resolve().parent / "contracts"

_FRIENDLY = {
    "extra_forbidden": "unknown key",
    "missing": "missing required key",
    "bool_type": "not true or false",
    "int_type": "not a whole number",
    "float_type": "not a number",
    "string_type": "not a string",
    "list_type": "not a list",
    "dict_type": "not a mapping",
}


class ContractError(Exception):
    """A contract that cannot be used; `messages` lists every problem found."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass(frozen=True)
class LoadedContract:
    contract: Contract
    path: Path
    sha256: str


def _locate(loc: tuple, lines: dict) -> tuple[tuple, int]:
    """The deepest part of a pydantic location that exists in the YAML.

    Pydantic puts union tags (e.g. `generalize`) into locations; they are not
    keys of the file and are skipped.
    """
    found, kept = (), ()
    for part in loc:
        candidate = kept + (part,)
        if candidate in lines:
            kept = candidate
            found = kept
        elif isinstance(part, str) and kept + (part,) not in lines:
            # a key that is missing or a union tag: report it, keep the line of the parent
            if part not in OPERATORS:
                found = kept + (part,)
    return found, lines.get(kept, 1)


def _render(loc: tuple) -> str:
    return "/".join(str(p) for p in loc) or "(top level)"


def load_contract(path: str | os.PathLike) -> LoadedContract:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContractError([f"{path}: cannot read contract ({exc.strerror})"]) from None
    try:
        document = parse_yaml(raw, str(path))
    except YamlRefused as exc:
        raise ContractError(exc.messages) from None
    data, lines, dups = document.data, document.lines, document.duplicates
    if not isinstance(data, dict):
        raise ContractError([f"{path}:1: a contract is a YAML mapping"])
    messages = [f"{path}:{line}: {_render(loc)}: key given twice" for loc, line in dups]
    try:
        contract = Contract.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc, line = _locate(tuple(err["loc"]), lines)
            msg = _FRIENDLY.get(err["type"], err["msg"])
            messages.append(f"{path}:{line}: {_render(loc)}: {msg}")
        raise ContractError(messages) from None
    for loc, msg in semantic_errors(contract):
        _, line = _locate(loc, lines)
        messages.append(f"{path}:{line}: {_render(loc)}: {msg}")
    if messages:
        raise ContractError(messages)
    return LoadedContract(contract, path, hashlib.sha256(raw).hexdigest())


def load_key(loaded: LoadedContract, environ: dict | None = None) -> bytes | None:
    """The recipient's pseudonymization key, from where the contract points.

    The key never lives in the contract: the contract only names an
    environment variable or a file (relative paths are read beside the
    contract). A key shorter than 16 bytes is refused, and so is a key
    file that anyone but its owner may read or write.
    """
    ref = loaded.contract.pseudonymization
    if ref is None:
        return None
    environ = os.environ if environ is None else environ
    if ref.key_env:
        value = environ.get(ref.key_env)
        if not value:
            raise ContractError([f"{loaded.path}: pseudonymization key: environment variable {ref.key_env} is not set"])
        key = value.encode("utf-8")
    else:
        key_path = Path(ref.key_file)
        if not key_path.is_absolute():
            key_path = loaded.path.parent / key_path
        try:
            mode = key_path.stat().st_mode
            key = key_path.read_bytes().strip()
        except OSError as exc:
            raise ContractError([f"{loaded.path}: pseudonymization key file {key_path}: {exc.strerror}"]) from None
        if mode & 0o077:  # as ssh refuses a private key others can read
            raise ContractError([f"{loaded.path}: pseudonymization key file {key_path} can be read or written by "
                                 f"others (mode {stat.S_IMODE(mode):04o}); allow only its owner: chmod 600 {key_path}"])
    if len(key) < 16:
        raise ContractError([f"{loaded.path}: pseudonymization key is shorter than 16 bytes"])
    return key
