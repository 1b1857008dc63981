"""Records that repeat a record_id an earlier line of the input already gave.

Two records with one id are two versions of one arrest, and nothing in an
export says which one is current: one may be the sealed or corrected
version of the other. Publishing either could publish what the city has
withdrawn, so a repeated id stops the run (exit 5) and the export must be
fixed. Only a digest of the id and the line positions cross the shuffle,
never the records, so the check costs little memory at any input size.
"""
import hashlib

import apache_beam as beam



from pipelines.elements import Parsed, Src


def _id_digest(element: Parsed) -> tuple[bytes, Src]:
    record_id = element.record["record_id"]
    return hashlib.blake2b(record_id.encode("utf-8"), digest_size=16).digest(), element.src


def _repeats(keyed) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    _, positions = keyed
    first, *later = sorted(positions)
    return [(first, again) for again in later]


class FindRepeatedIds(beam.PTransform):
    """(first position, repeating position) of every record whose id an earlier line gave."""

    def expand(self, records):
        return (records
                | "IdDigest" >> beam.Map(_id_digest)
                | "GroupById" >> beam.GroupByKey()
                | "Repeats" >> beam.FlatMap(_repeats))
