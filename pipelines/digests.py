"""What the manifest proves about a file: its SHA-256 and its line count.

Read in blocks: inputs and feeds of years of records are gigabytes, and
the driver that writes the manifest must not hold one in memory.
"""
import hashlib

from apache_beam.io.filesystems import FileSystems

BLOCK = 1 << 20


def sha256_and_lines(path: str) -> tuple[str, int]:
    """(hex digest, number of newlines) of the file's bytes as stored."""
    digest, lines = hashlib.sha256(), 0
    with FileSystems.open(path, compression_type="uncompressed") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            digest.update(block)
            lines += block.count(b"\n")
    return digest.hexdigest(), lines


def hash_into(path: str, digest) -> None:
    """Every stored byte of the file into `digest` (a hashlib object)."""
    with FileSystems.open(path, compression_type="uncompressed") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            digest.update(block)
