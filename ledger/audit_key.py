"""The city's audit key, which turns source ids into ledger keys.

The ledger must answer "what did we send about PARS-2018-004211?" without
holding that id: it holds HMAC-SHA256(audit key, id), and a records officer
who types the id gets the same hash. The key is the city's, never the
recipient's pseudonymization key (the recipient could then link its own
pseudonyms to the ledger), and, like that key, it reaches workers only as
a reference.
"""
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from redaction_rules.secret_key import KeyReference

AUDIT_KEY_ENV = "FEEDSHIELD_AUDIT_KEY"
LABEL = "audit key"


def audit_key_reference(key_file: str | None = None) -> KeyReference:
    if key_file:
        return KeyReference("--audit-key-file", LABEL, file=str(Path(key_file).resolve()))
    return KeyReference(f"the {LABEL} (or --audit-key-file)", LABEL, env=AUDIT_KEY_ENV)


def ledger_key(audit_key: bytes, source_id: str) -> str:
    return hmac.new(audit_key, source_id.encode("utf-8"), hashlib.sha256).hexdigest()


def scratch_audit_key(folder: Path, environ: dict) -> str | None:
    """For the demo and `evaluate` on synthetic records: the audit key from the environment if set,
    else a random owner-only key file kept in `folder`, so that their ledgers can be queried later."""
    if environ.get(AUDIT_KEY_ENV):
        return None
    path = folder / "audit.key"
    folder.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    return str(path)
