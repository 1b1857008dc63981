"""Reading a contract file: YAML in, a validated `Contract` or errors out
(with file, line and key: `yaml_model`), and the key it points to."""
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from redaction_rules.contract import OPERATORS, Contract, semantic_errors
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
