"""Ed25519 signatures on release heads: a chain rewritten end to end still needs the city's key.

A hash chain shows an edit to anyone who kept a later hash; someone who
can write the database can also recompute every hash after an edit. Each
commit entry can therefore carry the city's Ed25519 signature of the chain
head it closes (the release's last disclosure entry), made with a key that
never leaves the export host; `ledger verify --public-key` checks every
commit against the city's public key. Keys are PEM files, as `openssl
genpkey -algorithm ed25519` writes them.
"""
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from redaction_rules.secret_key import KeyReference, KeyUnavailable


def _raw(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


class HeadSigner:
    def __init__(self, key: Ed25519PrivateKey):
        self.key = key

    @classmethod
    def from_file(cls, path: str) -> "HeadSigner":
        pem = KeyReference("--signing-key", "signing key", file=str(Path(path).resolve())).load()
        try:
            key = serialization.load_pem_private_key(pem + b"\n", password=None)
        except (ValueError, TypeError):
            raise KeyUnavailable(f"--signing-key {path}: not an unencrypted PEM private key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyUnavailable(f"--signing-key {path}: not an Ed25519 key (openssl genpkey -algorithm ed25519)")
        return cls(key)

    def sign(self, head_seq: int, head_hash: str) -> dict:
        return {"head_seq": head_seq, "head_hash": head_hash, "public_key": _raw(self.key.public_key()),
                "signature": self.key.sign(bytes.fromhex(head_hash)).hex()}


def load_public_key(path: str) -> str:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise KeyUnavailable(f"--public-key {path}: not a PEM public key ({type(exc).__name__})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyUnavailable(f"--public-key {path}: not an Ed25519 key")
    return _raw(key)


def signature_problem(signed: dict, hashes: dict[int, str], trusted: str | None) -> str | None:
    """Why a commit's signature does not hold, or None."""
    if hashes.get(signed["head_seq"]) != signed["head_hash"]:
        return f"its signature is of entry {signed['head_seq']}, whose hash differs"
    if trusted is not None and signed["public_key"] != trusted:
        return "it is signed by another key than the one given"
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(signed["public_key"])).verify(
            bytes.fromhex(signed["signature"]), bytes.fromhex(signed["head_hash"]))
    except (InvalidSignature, ValueError):
        return "its signature does not verify"
    return None
