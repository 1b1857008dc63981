"""Reading a contract file: YAML in, a validated `Contract` or errors out
(with file, line and key: `yaml_model`), and the key it points to."""
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from redaction_rules.contract import OPERATORS, Contract, semantic_errors
from redaction_rules.secret_key import KeyReference, KeyUnavailable
from redaction_rules.yaml_model import ModelFileError, load_model

CONTRACTS_DIR = Path(__file__).resolve().parent / "contracts"


class ContractError(ModelFileError):
    """A contract that cannot be used; `messages` lists every problem found."""


@dataclass(frozen=True)
class LoadedContract:
    contract: Contract
    path: Path
    sha256: str


def load_contract(path: str | os.PathLike) -> LoadedContract:
    path = Path(path)
    contract, raw = load_model(path, Contract, "contract", ContractError, tags=OPERATORS, semantic=semantic_errors)
    return LoadedContract(contract, path, hashlib.sha256(raw).hexdigest())


def key_reference(loaded: LoadedContract) -> KeyReference | None:
    """The contract's key reference, its file made absolute; None when the contract pseudonymizes nothing.

    The key never lives in the contract: the contract only names an
    environment variable or a file. A key shorter than 16 bytes is refused,
    and so is a key file that anyone but its owner may read or write.
    """
    ref = loaded.contract.pseudonymization
    if ref is None:
        return None
    if ref.key_env:
        return KeyReference(str(loaded.path), env=ref.key_env)
    path = Path(ref.key_file)
    return KeyReference(str(loaded.path), file=str(path if path.is_absolute() else (loaded.path.parent / path).resolve()))


def load_key(loaded: LoadedContract, environ: dict | None = None) -> bytes | None:
    """The key itself, for the driver's check before a run (it never goes into the pipeline)."""
    reference = key_reference(loaded)
    if reference is None:
        return None
    try:
        return reference.load(environ)
    except KeyUnavailable as exc:
        raise ContractError([str(exc)]) from None
