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


@dataclass(frozen=True)
class KeyReference:
    """Where the recipient's pseudonymization key is, never the key: what a pipeline may carry.

    The driver checks the reference before a run and each worker resolves it
    in `DoFn.setup`, so the key is in no pickled step, no job graph a runner
    stores, and no file the recipient sees. On remote workers the same
    environment variable, or a file at the same path, must be there.
    """
    contract: str         # the contract file, for messages
    env: str | None = None
    file: str | None = None  # absolute: relative paths are read beside the contract

    def load(self, environ: dict | None = None) -> bytes:
        """The key; a missing, short or world-readable one raises `ContractError`."""
        if self.env:
            value = (os.environ if environ is None else environ).get(self.env)
            if not value:
                raise ContractError([f"{self.contract}: pseudonymization key: environment variable {self.env} is not set"])
            key = value.encode("utf-8")
        else:
            key_path = Path(self.file)
            try:
                mode = key_path.stat().st_mode
                key = key_path.read_bytes().strip()
            except OSError as exc:
                raise ContractError([f"{self.contract}: pseudonymization key file {key_path}: {exc.strerror}"]) from None
            if mode & 0o077:  # as ssh refuses a private key others can read
                raise ContractError([f"{self.contract}: pseudonymization key file {key_path} can be read or written by "
                                     f"others (mode {stat.S_IMODE(mode):04o}); allow only its owner: chmod 600 {key_path}"])
        if len(key) < 16:
            raise ContractError([f"{self.contract}: pseudonymization key is shorter than 16 bytes"])
        return key


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
    return None if reference is None else reference.load(environ)
