"""Where a run may read and write: a path or URL whose file system Beam knows, checked before anything runs.

Every path is opened through Beam's `FileSystems`, which picks a file system
by the URL's scheme. An unknown scheme must be a usage error: read as a
local path, `gs://bucket/feed` would become a folder named `gs:` beside
the command, and be reported as published. The feed folder itself must
be local, or on an object store that Beam knows (`ObjectFeedFolder`).
"""
import re
from pathlib import Path

from apache_beam.io.filesystems import FileSystems
from apache_beam.io.localfilesystem import LocalFileSystem

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
# the extra that brings a scheme's file system, for the message when it is not installed
EXTRAS = {"gs": "feedshield[gcp]", "s3": "feedshield[aws]"}


class LocationError(ValueError):
    pass


def scheme_of(path: str) -> str | None:
    found = _SCHEME.match(path)
    return found.group(1).lower() if found else None


def check_scheme(path: str, what: str) -> None:
    """`path` names a file system Beam has; `what` names the flag, for the message."""
    scheme = scheme_of(path)
    if scheme is None:
        return
    try:
        FileSystems.get_filesystem(path)
    except ValueError:
        extra = f"; install {EXTRAS[scheme]}" if scheme in EXTRAS else ""
        raise LocationError(f"{what} {scheme}://...: no Beam file system is registered for the scheme "
                            f"{scheme}://{extra}") from None


class Url:
    """A place on an object store, joined with `/` as a `Path` is; never read as a local path."""

    def __init__(self, text: str):
        self.text = text.rstrip("/")

    def __truediv__(self, name: str) -> "Url":
        return Url(f"{self.text}/{name}")

    @property
    def name(self) -> str:
        return self.text.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Url({self.text!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Url) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def on_object_store(path: str) -> bool:
    return scheme_of(path) is not None and not isinstance(FileSystems.get_filesystem(path), LocalFileSystem)


def feed_location(path: str):
    """The feed folder as a `Path` (local) or a `Url` (an object store)."""
    check_scheme(path, "--output")
    return Url(path) if on_object_store(path) else Path(path)
