"""The driver's few file operations, on a local folder or an object store alike, through Beam's `FileSystems`.

A feed folder may be local (a `Path`) or on an object store (a `Url`). An
object store has no folders, so a "folder" there is every object under a
prefix, a move is a copy and a delete per object, and a folder that holds
nothing does not exist. These helpers give both the same meaning, so that
the run, the publisher and the ledger's checks are written once.
"""
import shutil
from collections.abc import Iterator
from pathlib import Path

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from pipelines.locations import Url

RAW = CompressionTypes.UNCOMPRESSED


def _write_empty_objects_to_s3() -> None:
    """Beam's S3 writer completes a multipart upload of no parts, which S3 refuses (MalformedXML), so an
    empty file (an empty shard, no holdings) cannot be written (apache/beam#21369): a last part may be
    of any size, so an empty one is sent. Done where this module is imported, on the driver and on
    every worker that writes through `create`."""
    try:
        from apache_beam.io.aws import s3io
    except ImportError:  # no feedshield[aws]: no s3://
        return
    finish = s3io.S3Uploader.finish
    if getattr(finish, "writes_empty_objects", False):
        return

    def finish_with_a_part(self):
        if not self.parts and not self.buffer:
            self._write_to_s3(b"")
        return finish(self)
    finish_with_a_part.writes_empty_objects = True
    s3io.S3Uploader.finish = finish_with_a_part


_write_empty_objects_to_s3()


def create(location: str, mime_type: str = "application/octet-stream"):
    """A new file, stored as written (the caller compresses, if at all)."""
    return FileSystems.create(str(location), mime_type=mime_type, compression_type=RAW)


def read_text(location: Path | Url) -> str:
    with FileSystems.open(str(location), compression_type=RAW) as handle:
        return handle.read().decode("utf-8")


def write_text(location: Path | Url, text: str) -> None:
    if isinstance(location, Path):
        location.parent.mkdir(parents=True, exist_ok=True)
    with create(location, mime_type="text/plain") as handle:
        handle.write(text.encode("utf-8"))


def lines(location: Path | Url) -> Iterator[str]:
    with FileSystems.open(str(location), compression_type=RAW) as handle:
        for line in handle:
            yield line.decode("utf-8")


def exists(location: Path | Url) -> bool:
    return FileSystems.exists(str(location))


def files_under(folder: Path | Url) -> list[str]:
    """Every file under `folder`, by its path there, sorted; none when there is no such folder."""
    if isinstance(folder, Path):
        return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    prefix = f"{folder}/"
    found = FileSystems.match([f"{prefix}**"])[0].metadata_list
    return sorted(m.path[len(prefix):] for m in found)


def move_tree(source: Url, target: Url) -> None:
    """Object by object, so not at once (a local folder moves in one `os.replace`)."""
    names = files_under(source)
    if names:
        FileSystems.rename([str(source / n) for n in names], [str(target / n) for n in names])


def delete_tree(folder: Path | Url) -> None:
    if isinstance(folder, Path):
        shutil.rmtree(folder, ignore_errors=True)
        return
    names = files_under(folder)
    if names:
        FileSystems.delete([str(folder / n) for n in names])


def delete_file(location: Path | Url) -> None:
    if exists(location):
        FileSystems.delete([str(location)])
