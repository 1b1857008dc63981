"""Where a secret key is, never the key: what a pipeline may carry.

The driver checks a reference before a run and each worker resolves it in
`DoFn.setup`, so the key is in no pickled step, no job graph a runner
stores, and no file the recipient sees. On remote workers the same
environment variable, or a file at the same path, must be there. The
recipient's pseudonymization key and the city's audit key are both held
this way.
"""
import os
import stat
from dataclasses import dataclass
from pathlib import Path

MIN_KEY_BYTES = 16


class KeyUnavailable(Exception):
    """A key that is not set, cannot be read, is too short, or can be read by others."""


@dataclass(frozen=True)
class KeyReference:
    origin: str           # what names the key (the contract file, a flag), for messages
    label: str = "pseudonymization key"
    env: str | None = None
    file: str | None = None  # absolute

    def load(self, environ: dict | None = None) -> bytes:
        if self.env:
            value = (os.environ if environ is None else environ).get(self.env)
            if not value:
                raise KeyUnavailable(f"{self.origin}: {self.label}: environment variable {self.env} is not set")
            key = value.encode("utf-8")
        else:
            key_path = Path(self.file)
            try:
                mode = key_path.stat().st_mode
                key = key_path.read_bytes().strip()
            except OSError as exc:
                raise KeyUnavailable(f"{self.origin}: {self.label} file {key_path}: {exc.strerror}") from None
            if mode & 0o077:  # as ssh refuses a private key others can read
                raise KeyUnavailable(f"{self.origin}: {self.label} file {key_path} can be read or written by "
                                     f"others (mode {stat.S_IMODE(mode):04o}); allow only its owner: chmod 600 {key_path}")
        if len(key) < MIN_KEY_BYTES:
            raise KeyUnavailable(f"{self.origin}: {self.label} is shorter than {MIN_KEY_BYTES} bytes")
        return key
