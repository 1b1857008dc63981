"""An ongoing feed's city side in-process, for random histories by the thousand.

It makes releases exactly as `feedshield run` publishes them: the ledger's
holdings, the increment's rules (`ledger.changes.triage` and `settle`, the
functions the Beam steps adapt), the staging layout, `run.publish_release`,
`publish.repair` and the feed folder's lock. It stands in for the Beam
pipeline only: records are shaped with feedshield's `RecordShaper` and each
free text is replaced by its digest instead of going through Presidio, so a
history takes milliseconds. The end-to-end histories in
`test_increment_histories.py` run the real pipeline and check the same
property against a fresh full run.
"""
import hashlib
import logging
import uuid
from datetime import date
from pathlib import Path

from ledger import changes
from ledger.audit_key import ledger_key
from ledger.disclosure import Discloser
from ledger.holdings import FULL, INCREMENT, holdings, source_digest, terms_digest
from ledger.store import Ledger, default_url
from pipelines import publish
from pipelines.pipeline import (DEAD_LETTER_DIR, DISCLOSURES_DIR, FEED_DIR, LEDGER_RETRACTIONS_DIR, QUARANTINE_DIR,
                                RETRACTIONS_DIR)
from pipelines.releases import FeedFolder
from pipelines.run import changes_only_refusal, publish_release
from pipelines.write import shard_name
from redaction_rules.contract_loader import LoadedContract
from redaction_rules.exclusions import exclusion_rule
from redaction_rules.feed_format import feed_line
from redaction_rules.risk import identity
from redaction_rules.shaping import RecordShaper, get_at, replaced_at


class Refused(Exception):
    """The run was refused before reading (what `feedshield run` exits 2 for)."""


def shaped_line(shaper: RecordShaper, record: dict) -> tuple[dict, str]:
    output, texts = shaper.shape(record)
    for loc in texts:
        digest = hashlib.sha256(get_at(output, loc).encode("utf-8")).hexdigest()[:12]
        output = replaced_at(output, loc, f"[text {digest}]")
    return output, feed_line(output)


def allowed(records: list[dict], loaded: LoadedContract, key: bytes | None, as_of: date) -> dict[str, str]:
    """What the current source and contract allow the recipient to hold: identity -> feed line."""
    shaper = RecordShaper(loaded.contract, key)
    out = {}
    for record in records:
        if exclusion_rule(record, loaded.contract) is None:
            output, line = shaped_line(shaper, record)
            out[identity(output)] = line + "\n"
    return out


def _write(folder: Path, lines: list[str]) -> None:
    folder.mkdir(mode=0o700, exist_ok=True)
    (folder / shard_name(0, 1)).write_text("".join(sorted(lines) if folder.name.startswith("_") else lines),
                                           encoding="utf-8")


def release(out: Path, records: list[dict], loaded: LoadedContract, key: bytes | None, audit: bytes, as_of: date,
            incremental: bool, changes_only: bool) -> int:
    """One run into `out`; the number of the release it published."""
    contract = loaded.contract
    terms = terms_digest(loaded.sha256, "in-process", ledger_key(audit, "pseudonymization key:" + key.hex()) if key else "")
    folder = FeedFolder(out)
    folder.prepare()
    feed = folder.feed_id()
    ledger = Ledger(default_url(out))
    try:
        with folder.locked():
            publish.repair(folder, ledger, feed, logging.getLogger("feedshield"))
            if changes_only:
                refused = changes_only_refusal(ledger, feed, terms)
                if refused:
                    raise Refused(refused)
            held = holdings(ledger, feed)
            shaper, discloser = RecordShaper(contract, key), Discloser(audit, contract)
            by_key: dict[str, dict] = {}
            for position, record in enumerate(records):
                k = ledger_key(audit, str(record["record_id"]))
                rule = exclusion_rule(record, contract)
                slot = by_key.setdefault(k, {"records": [], "excluded": []})
                if rule is None:
                    slot["records"].append(((position, record), source_digest(audit, terms, record)))
                else:
                    slot["excluded"].append(rule)
            sent, retracted, unchanged = [], [], 0
            for k in sorted(set(by_key) | set(held)):
                slot = by_key.get(k, {"records": [], "excluded": []})
                for what, value in changes.triage(held.get(k), slot["records"], slot["excluded"], incremental,
                                                  changes_only, contract.shows_record_id):
                    if what == changes.GO_ON:
                        position, record = value
                        output, line = shaped_line(shaper, record)
                        disclosure = {**discloser.describe(record, output), "source": source_digest(audit, terms, record)}
                        for what2, value2 in changes.settle(held.get(k), [((position, line), disclosure)], None, False,
                                                            incremental, contract.shows_record_id):
                            if what2 == changes.SEND:
                                sent.append(value2)
                            elif what2 == changes.RETRACT:
                                retracted.append(value2)
                            else:
                                unchanged += 1
                    elif what == changes.RETRACT:
                        retracted.append(value)
                    elif what == changes.UNCHANGED:
                        unchanged += 1
            run_id = uuid.uuid4().hex[:12]
            staging = folder.make_staging(run_id)
            sent.sort(key=lambda sb: sb[0][0])
            _write(staging / FEED_DIR, [line + "\n" for (_, line), _ in sent])
            _write(staging / RETRACTIONS_DIR, [feed_line({"record_id": r["visible_id"]}) + "\n" for r in retracted])
            _write(staging / DISCLOSURES_DIR, [feed_line(body) + "\n" for _, body in sent])
            _write(staging / LEDGER_RETRACTIONS_DIR, [feed_line(r) + "\n" for r in retracted])
            for part in (QUARANTINE_DIR, DEAD_LETTER_DIR):
                (staging / part).mkdir(mode=0o700)
            number = publish.next_number(ledger, feed, folder)
            digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
            manifest = {
                "run_id": run_id, "status": "published", "feed": feed, "release": number,
                "mode": INCREMENT if incremental else FULL, "tool": {"name": "feedshield", "version": "test"},
                "contract": {"id": contract.id, "version": contract.version, "recipient": contract.recipient,
                             "file": loaded.path.name, "sha256": loaded.sha256},
                "as_of": as_of.isoformat(), "inputs": [], "source": {"format": "in-process"},
                "outputs": {"feed": [{"file": shard_name(0, 1), "sha256": digest(staging / FEED_DIR / shard_name(0, 1))}],
                            "retractions": [{"file": "retractions.jsonl",
                                             "sha256": digest(staging / RETRACTIONS_DIR / shard_name(0, 1))}]},
                "counts": {"input_records": len(records), "published": len(sent), "unchanged": unchanged,
                           "retracted": len(retracted), "excluded": {}, "quarantined": 0, "dead_lettered": 0},
                "started_at": "", "finished_at": "",
            }
            try:
                publish_release(publish.Publisher(folder, ledger, feed), staging, number, manifest,
                                "<!doctype html>", contract.description.purpose, terms, held)
            finally:
                folder.remove_staging(staging)
            return number
    finally:
        ledger.close()

