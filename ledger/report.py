"""`ledger report`: one self-contained page of what a feed disclosed, for a records officer.

Counts, months, categories and contract versions only: the page holds no
id, name or value of a record, and loads nothing (inline CSS and SVG, no
script, and a Content-Security-Policy that forbids every request), so it
can be mailed, printed or opened offline.
"""
import html
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from ledger.store import Ledger, Release
from pipelines.report import CSP  # the run report's: the page may ask for nothing


@dataclass
class LedgerSummary:
    releases: list[Release] = field(default_factory=list)
    records: int = 0
    by_month: dict = field(default_factory=dict)        # "YYYY-MM" -> (records, distinct persons)
    by_category: Counter = field(default_factory=Counter)
    contracts: dict = field(default_factory=dict)       # (id, version) -> {first, last, releases, recipient}
    period: tuple = (None, None)


def summarize(ledger: Ledger, feed: str, date_from: date | None, date_to: date | None) -> LedgerSummary:
    def wanted(r: Release) -> bool:
        day = date.fromisoformat(r.closed["committed_at"][:10])
        return (date_from is None or day >= date_from) and (date_to is None or day <= date_to)

    releases = [r for r in ledger.releases(feed) if r.status == "committed" and wanted(r)]
    month_of = {r.number: r.closed["committed_at"][:7] for r in releases}
    summary = LedgerSummary(releases=releases, period=(date_from, date_to))
    records, persons = Counter(), defaultdict(set)
    for entry in ledger.chain(feed):
        if entry.kind != "disclosure" or entry.release not in month_of:
            continue
        body = json.loads(entry.body)
        month = month_of[entry.release]
        records[month] += 1
        persons[month].update(tuple(p) for p in body["persons"])
        summary.by_category.update(body["categories"])
    summary.records = sum(records.values())
    summary.by_month = {m: (records[m], len(persons[m])) for m in sorted(records)}
    for r in releases:
        c = r.body["contract"]
        seen = summary.contracts.setdefault((c["id"], c["version"]), {
            "recipient": c["recipient"], "first": r.number, "last": r.number, "releases": 0,
            "from": r.closed["committed_at"][:10]})
        seen["last"], seen["releases"], seen["to"] = r.number, seen["releases"] + 1, r.closed["committed_at"][:10]
    return summary


def _bars(items: list[tuple[str, int]], unit: str) -> str:
    """A horizontal bar chart in SVG, one bar a label."""
    if not items:
        return "<p>none</p>"
    top = max(v for _, v in items) or 1
    rows = []
    for i, (label, value) in enumerate(items):
        y, width = i * 24, 360 * value / top
        rows.append(f'<text x="0" y="{y + 16}">{html.escape(label)}</text>'
                    f'<rect x="120" y="{y + 4}" width="{width:.1f}" height="16" fill="#3b6ea5"/>'
                    f'<text x="{126 + width:.1f}" y="{y + 16}">{value:,} {unit}</text>')
    return (f'<svg role="img" width="640" height="{len(items) * 24 + 4}" xmlns="http://www.w3.org/2000/svg" '
            f'font-size="13">{"".join(rows)}</svg>')


def _table(head: list[str], rows: list[list]) -> str:
    cells = lambda tag, row: "".join(f"<{tag}>{html.escape(str(v))}</{tag}>" for v in row)  # noqa: E731
    return (f"<table><thead><tr>{cells('th', head)}</tr></thead><tbody>"
            + "".join(f"<tr>{cells('td', row)}</tr>" for row in rows) + "</tbody></table>")


def render_ledger_report(s: LedgerSummary, folder: str) -> str:
    period = " to ".join(d.isoformat() if d else "…" for d in s.period) if any(s.period) else "all releases"
    release_rows = [[f"{r.number:06d}", r.closed["committed_at"], f"{r.body['contract']['id']} {r.body['contract']['version']}",
                     r.body["as_of"], r.body["counts"]["published"], sum(r.body["counts"]["excluded"].values()),
                     r.body["counts"]["quarantined"], r.body["counts"]["dead_lettered"]] for r in s.releases]
    withheld = Counter()
    for r in s.releases:
        withheld.update({f"excluded: {k}": v for k, v in r.body["counts"]["excluded"].items()})
        withheld.update({f"quarantined: {k}": v for k, v in r.body["counts"]["quarantined_by_stage"].items()})
        withheld["dead letters"] += r.body["counts"]["dead_lettered"]
        withheld["suppressed: re-identification risk"] += r.body["counts"].get("suppressed_for_risk", 0)
    contract_rows = [[cid, version, c["recipient"], f"{c['first']:06d}–{c['last']:06d}", c["releases"],
                      f"{c['from']} to {c['to']}"] for (cid, version), c in s.contracts.items()]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>Disclosure ledger: {html.escape(folder)}</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;color:#222}}
table{{border-collapse:collapse;margin:0.5rem 0 1.5rem}}td,th{{border:1px solid #ccc;padding:0.2rem 0.5rem;text-align:right}}
th{{background:#eee}}td:first-child,th:first-child{{text-align:left}}.big{{font-size:1.4rem}}</style></head>
<body>
<h1>Disclosure ledger</h1>
<p>Feed folder {html.escape(folder)}; {html.escape(period)}.</p>
<p class="big" id="totals"><strong>{len(s.releases)}</strong> committed releases,
<strong>{s.records:,}</strong> record disclosures,
<strong>{sum(p for _, p in s.by_month.values()):,}</strong> person disclosures (counted once a month).</p>
<h2>Releases over time</h2>
{_bars([(f"{r.number:06d} {r.closed['committed_at'][:10]}", r.body["counts"]["published"]) for r in s.releases], "records")}
{_table(["release", "committed (UTC)", "contract", "as of", "published", "excluded", "quarantined", "dead letters"], release_rows)}
<h2>Records and persons disclosed per month</h2>
{_bars([(month, n) for month, (n, _) in s.by_month.items()], "records")}
{_table(["month", "records", "persons"], [[m, n, p] for m, (n, p) in s.by_month.items()])}
<h2>People shown, by category</h2>
{_bars(sorted(s.by_category.items()), "records")}
<h2>Withheld: quarantine and exclusions</h2>
{_table(["reason", "records"], sorted(([k, v] for k, v in withheld.items() if v), key=lambda kv: -kv[1]))}
<h2>Contract versions in force</h2>
{_table(["contract", "version", "recipient", "releases", "count", "committed"], contract_rows)}
</body></html>
"""
