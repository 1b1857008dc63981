"""`feedshield ledger`: the questions a records officer asks of a feed folder, answered without personal data.

`releases` lists what was published, `disclosures` what a record or a
person was sent in (the officer types the city's own id; it is hashed with
the audit key and only the hash is looked up), `verify` re-checks the
chain and the files, and `report` draws it all on one page. None of them
writes to the ledger.
"""
import argparse
import json
import sys
from pathlib import Path

from ledger.audit_key import audit_key_reference, ledger_key
from ledger.signing import load_public_key
from ledger.store import Ledger, LedgerError, Release, default_url
from ledger.verify import verify
from pipelines import exit_codes
from pipelines.options import iso_day
from pipelines import stored_files
from pipelines.locations import LocationError
from pipelines.object_feed import StateMissing, feed_folder
from pipelines.releases import FEED_ID, FeedFolder
from redaction_rules.secret_key import KeyUnavailable


def _folder_arguments(p: argparse.ArgumentParser, audit: bool = False) -> None:
    p.add_argument("folder", metavar="DIR", help="the feed folder (the --output of feedshield run)")
    p.add_argument("--ledger", default=None, metavar="URL", help="the ledger, when not DIR/ledger.sqlite")
    p.add_argument("--state", default=None, metavar="STATE_DIR",
                   help="the state folder of a feed folder on an object store (its runs' --state)")
    if audit:
        p.add_argument("--audit-key-file", dest="audit_key_file", default=None, metavar="FILE",
                       help="the city's audit key (default: environment variable FEEDSHIELD_AUDIT_KEY)")


def releases_arguments(p: argparse.ArgumentParser) -> None:
    _folder_arguments(p)
    p.add_argument("--json", action="store_true", help="one JSON object a line")


def disclosures_arguments(p: argparse.ArgumentParser) -> None:
    _folder_arguments(p, audit=True)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--record-id", dest="record_id", metavar="ID", help="the record's id in the city's export")
    which.add_argument("--person-id", dest="person_id", metavar="ID",
                       help="a person's id: RECORD_ID/PERSON_ID (e.g. PARS-2018-004211/P1), a state id or an FBI number")
    p.add_argument("--json", action="store_true", help="one JSON object a line")


def verify_arguments(p: argparse.ArgumentParser) -> None:
    _folder_arguments(p)
    p.add_argument("--public-key", dest="public_key", default=None, metavar="FILE",
                   help="the city's Ed25519 public key (PEM): every release's commit must be signed by it")


def report_arguments(p: argparse.ArgumentParser) -> None:
    _folder_arguments(p)
    p.add_argument("--html", required=True, metavar="FILE", help="where to write the page")
    p.add_argument("--from", dest="date_from", type=iso_day, default=None, metavar="YYYY-MM-DD",
                   help="releases committed on or after this day")
    p.add_argument("--to", dest="date_to", type=iso_day, default=None, metavar="YYYY-MM-DD",
                   help="releases committed on or before this day")


def open_feed_folder(path: str, ledger_url: str | None, state: str | None = None) -> tuple[Ledger, str, FeedFolder]:
    """An existing feed folder's ledger, feed id and folder; never creates one."""
    folder = feed_folder(path, state)
    if not stored_files.exists(folder.root / FEED_ID):
        raise LedgerError(f"{folder.root}: not a feed folder (no feed-id: no run has written into it)")
    return Ledger(ledger_url or default_url(folder.state), create=False), folder.feed_id(), folder


def read_holdings(path: str, ledger_url: str | None) -> dict:
    """What the recipient of an existing feed folder holds, from its ledger (`ledger.holdings`)."""
    from ledger.holdings import holdings
    ledger, feed, _ = open_feed_folder(path, ledger_url)
    try:
        return holdings(ledger, feed)
    finally:
        ledger.close()


def release_line(r: Release) -> dict:
    c = r.body["counts"]
    return {"release": r.number, "status": r.status, "committed_at": (r.closed or {}).get("committed_at"),
            "contract": r.body["contract"]["id"], "version": r.body["contract"]["version"],
            "recipient": r.body["contract"]["recipient"], "as_of": r.body["as_of"],
            "mode": r.body.get("mode", "full"), "published": c["published"], "unchanged": c.get("unchanged", 0),
            "retracted": c.get("retracted", 0), "excluded": sum(c["excluded"].values()), "quarantined": c["quarantined"],
            "dead_lettered": c["dead_lettered"], "run_id": r.body["run_id"],
            "operator": f"{r.body['operator']['user']}@{r.body['operator']['host']}"}


def _releases(args, ledger: Ledger, feed: str, _folder) -> int:
    lines = [release_line(r) for r in ledger.releases(feed)]
    if args.json:
        for line in lines:
            print(json.dumps(line))
        return exit_codes.OK
    print(f"{'release':<8} {'status':<10} {'committed (UTC)':<26} {'contract':<34} {'as of':<10} {'mode':<9} "
          f"{'published':>9} {'retracted':>9} {'excluded':>8} {'quarant.':>8} {'dead':>5}  run, operator")
    for x in lines:
        print(f"{x['release']:06d}   {x['status']:<10} {x['committed_at'] or '-':<26} "
              f"{x['contract'] + ' ' + x['version']:<34} {x['as_of']:<10} {x['mode']:<9} {x['published']:>9} "
              f"{x['retracted']:>9} {x['excluded']:>8} {x['quarantined']:>8} {x['dead_lettered']:>5}  "
              f"{x['run_id']}, {x['operator']}")
    if not lines:
        print("(no releases)")
    return exit_codes.OK


def _disclosures(args, ledger: Ledger, feed: str, _folder) -> int:
    key = audit_key_reference(args.audit_key_file).load()
    typed = args.record_id if args.record_id is not None else args.person_id
    hashed = ledger_key(key, typed.strip())
    found = (ledger.disclosures(feed, record_key=hashed) if args.record_id is not None
             else ledger.disclosures(feed, person_key=hashed))
    releases = {r.number: r for r in ledger.releases(feed)}
    what = "record" if args.record_id is not None else "person"
    rows = []
    for entry in found:
        release = releases[entry.release]
        if release.status != "committed":
            continue  # a pending release is not visible yet, an aborted one never was
        body = json.loads(entry.body)
        row = {"release": release.number, "kind": entry.kind, "committed_at": release.closed["committed_at"],
               "recipient": release.body["contract"]["recipient"], "contract": release.body["contract"]["id"],
               "version": release.body["contract"]["version"], "as_of": release.body["as_of"],
               "purpose": release.body["purpose"], "visible_id": body["visible_id"]}
        if entry.kind == "retraction":
            row |= {"reason": body["reason"], "previous_release": body["previous_release"]}
        else:
            row |= {"change": body.get("change", "new"), "categories": body["categories"], "fields": body["fields"]}
        rows.append(row)
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return exit_codes.OK
    if not rows:
        print(f"the {what} you named is in no committed release of this feed (or the audit key is another)")
        return exit_codes.OK
    sent = sum(1 for row in rows if row["kind"] == "disclosure")
    print(f"the {what} you named was disclosed in {sent} committed release(s)"
          + (f" and retracted in {len(rows) - sent}" if len(rows) > sent else "") + ":")
    for row in rows:
        print(f"  release {row['release']:06d}, committed {row['committed_at']}, to {row['recipient']}, "
              f"under {row['contract']} {row['version']} (as of {row['as_of']})")
        if row["kind"] == "retraction":
            print(f"    retracted record {row['visible_id']} (sent in release {row['previous_release']:06d}): "
                  f"{row['reason']}")
            continue
        print(f"    sent as record {row['visible_id'] or '(no record id)'} ({row['change']}); people shown: "
              f"{', '.join(row['categories']) or 'none'}")
        print(f"    fields: {', '.join(row['fields'])}")
    return exit_codes.OK


def _verify(args, ledger: Ledger, feed: str, folder: FeedFolder) -> int:
    found = verify(ledger, feed, folder, load_public_key(args.public_key) if args.public_key else None)
    if found.ok:
        signed = f"; {found.signed} signed" + (" by the key given" if args.public_key else "") if found.signed else ""
        print(f"ledger of {folder.root}: intact: {found.entries} entries, {found.releases} committed release(s), "
              f"{found.disclosures} disclosures{signed}; every release's files match their digests")
        return exit_codes.OK
    print(f"ledger of {folder.root}: BROKEN", file=sys.stderr)
    for problem in found.problems:
        print(f"  {problem}", file=sys.stderr)
    return exit_codes.LEDGER


def _report(args, ledger: Ledger, feed: str, folder: FeedFolder) -> int:
    from ledger.report import render_ledger_report, summarize
    summary = summarize(ledger, feed, args.date_from, args.date_to)
    Path(args.html).write_text(render_ledger_report(summary, str(folder.root)), encoding="utf-8")
    print(f"wrote {args.html}: {len(summary.releases)} release(s), {summary.records:,} record disclosures")
    return exit_codes.OK


COMMANDS = {  # name: (what it answers, its flags, what it does)
    "releases": ("every release of the feed, one line each", releases_arguments, _releases),
    "disclosures": ("which committed releases carried a record, or a person, to whom, with which fields",
                    disclosures_arguments, _disclosures),
    "verify": ("re-compute the hash chain, check the signatures and re-hash every release's files; "
               "exit 8 at a broken link", verify_arguments, _verify),
    "report": ("a page of the feed's releases and disclosures for a records officer (HTML, self-contained)",
               report_arguments, _report),
}


def command(args, beam_args=None) -> int:
    from apache_beam.io.filesystems import FileSystems
    from apache_beam.options.pipeline_options import PipelineOptions
    FileSystems.set_options(PipelineOptions(beam_args or []))
    try:
        ledger, feed, folder = open_feed_folder(args.folder, args.ledger, args.state)
    except (LocationError, StateMissing) as exc:
        print(f"feedshield ledger: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    except LedgerError as exc:
        print(f"feedshield ledger: {exc}", file=sys.stderr)
        return exit_codes.LEDGER
    try:
        return COMMANDS[args.ledger_command][2](args, ledger, feed, folder)
    except KeyUnavailable as exc:
        print(f"feedshield ledger: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    finally:
        ledger.close()
