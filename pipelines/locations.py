"""Where a run may read and write: a path or URL whose file system Beam knows, checked before anything runs.

Every path is opened through Beam's `FileSystems`, which picks a file system
by the URL's scheme. An unknown scheme must be a usage error: read as a
local path, `gs://bucket/feed` would become a folder named `gs:` beside
the command, and be reported as published. The feed folder itself must
be on a file system with atomic renames and file locks (a local disk or a
mounted share), because releases become visible by renaming; on an object
store the run is refused.
"""
import re

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


def check_readable(path: str, what: str) -> None:
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


def check_feed_folder(path: str) -> None:
    check_readable(path, "--output")
    scheme = scheme_of(path)
    if scheme is not None and not isinstance(FileSystems.get_filesystem(path), LocalFileSystem):
        raise LocationError(f"--output {scheme}://...: a feed folder must be on a local or mounted file system "
                            "(its releases are published by atomic renames under a file lock); write it to a "
                            "mounted path")
