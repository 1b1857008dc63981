"""`ledger verify`: the chain, the person index, and every committed release's files, re-checked.

The chain (`chain.first_broken`) shows an edited, deleted, inserted or
reordered entry; the files show a release changed after it was published;
the folder shows a release the ledger does not know (its entries deleted
from the end of the chain). Problems are said in entry numbers, release
numbers and file names, never in what the entries hold.
"""
import json
from dataclasses import dataclass, field

from ledger.chain import first_broken
from ledger.signing import signature_problem
from ledger.store import RECORD_KINDS, Ledger
from pipelines.releases import FeedFolder, file_digests


@dataclass
class Verification:
    entries: int = 0
    releases: int = 0
    disclosures: int = 0
    problems: list[str] = field(default_factory=list)
    signed: int = 0
    hashes: dict = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems


def _chain_facts(ledger: Ledger, feed: str, found: Verification):
    """Walk the chain once: its first break, and what the entries say of releases, persons and signatures."""
    releases, committed, disclosed, retracted, person_keys = {}, {}, {}, {}, []

    def walk():
        for entry in ledger.chain(feed):
            found.entries += 1
            found.hashes[entry.seq] = entry.entry_hash
            body = json.loads(entry.body)
            if entry.kind == "release":
                releases[entry.release] = body
            elif entry.kind == "commit":
                committed[entry.release] = body
            elif entry.kind == "retraction":
                retracted[entry.release] = retracted.get(entry.release, 0) + 1
            if entry.kind == "disclosure":
                disclosed[entry.release] = disclosed.get(entry.release, 0) + 1
            if entry.kind in RECORD_KINDS:
                person_keys.extend(sorted((entry.seq, k) for person in body.get("persons", ()) for k in person))
            yield entry

    broken = first_broken(walk(), ledger.head(feed))
    return broken, releases, committed, disclosed, retracted, person_keys


def verify(ledger: Ledger, feed: str, folder: FeedFolder, public_key: str | None = None) -> Verification:
    """`public_key` (raw hex, `signing.load_public_key`): every commit must be signed by it."""
    found = Verification()
    broken, releases, committed, disclosed, retracted, person_keys = _chain_facts(ledger, feed, found)
    if broken:
        found.problems.append(f"chain: {broken}")
    for number, commit in sorted(committed.items()):
        if "signed" in commit:
            found.signed += 1
            problem = signature_problem(commit["signed"], found.hashes, public_key)
            if problem:
                found.problems.append(f"release {number}: commit: {problem}")
        elif public_key is not None:
            found.problems.append(f"release {number}: commit: not signed")
    if sorted(person_keys) != [tuple(row) for row in ledger.person_index(feed)]:
        found.problems.append("person index: it differs from the disclosure entries (rows edited or deleted)")
    found.releases = len(committed)
    found.disclosures = sum(disclosed.get(n, 0) for n in committed)
    for number in sorted(committed):
        body = releases.get(number)
        if body is None:
            found.problems.append(f"release {number}: committed, but its release entry is missing")
            continue
        if disclosed.get(number, 0) != body["counts"]["published"]:
            found.problems.append(f"release {number}: {disclosed.get(number, 0)} disclosure entries for "
                                  f"{body['counts']['published']} published records")
        if retracted.get(number, 0) != body["counts"].get("retracted", 0):
            found.problems.append(f"release {number}: {retracted.get(number, 0)} retraction entries for "
                                  f"{body['counts'].get('retracted', 0)} retracted records")
        found.problems += _files(folder, number, body["files"])
    for number in folder.on_disk():
        if number not in committed:
            found.problems.append(f"release {number}: on disk but not committed in the ledger "
                                  "(its entries were deleted, or a run is still publishing it)")
    current = folder.current()
    if committed and current != max(committed):
        found.problems.append(f"current: points at release {current}, the newest committed is {max(committed)}")
    return found


def _files(folder: FeedFolder, number: int, files: dict[str, str]) -> list[str]:
    release = folder.release_dir(number)
    if not folder.has_release(number):
        return [f"release {number}: its folder {release} is missing"]
    on_disk = file_digests(release)
    problems = [] if folder.marked(number) else [f"release {number}: its commit marker is missing"]
    problems += [f"release {number}: {name} is missing" for name in sorted(set(files) - set(on_disk))]
    problems += [f"release {number}: {name} was added after the release" for name in sorted(set(on_disk) - set(files))]
    problems += [f"release {number}: {name} was changed after the release (sha256 differs)"
                 for name in sorted(set(files) & set(on_disk)) if files[name] != on_disk[name]]
    return problems
