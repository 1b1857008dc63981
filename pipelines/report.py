"""`report.html`: a run as a records officer would rather look at it than read the manifest.

Built from the manifest and the run's tallies only (counts, rule names,
kinds of problems, field paths), so it holds no personal value and can sit
beside the manifest. One self-contained page: inline CSS and SVG, no
script, and a Content-Security-Policy that forbids every request, so that
opening it reaches nothing. Each figure carries `data-figure` so that a
test can hold the page to the manifest.
"""
from html import escape

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;color:#1d2433;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem} h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #d5dae3;padding-bottom:.3rem}
.status{display:inline-block;padding:.15rem .6rem;border-radius:1rem;font-weight:600;font-size:.9rem}
.ok{background:#dcf5e3;color:#135c2b} .failed{background:#fde2e1;color:#8a1c15}
.tiles{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0} .tile{border:1px solid #d5dae3;border-radius:.5rem;padding:.6rem 1rem;min-width:8rem}
.tile b{display:block;font-size:1.5rem} .muted{color:#5b6478;font-size:.9rem}
table{border-collapse:collapse;width:100%} td,th{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eef0f4;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} svg{display:block}
pre{background:#f6f7f9;padding:1rem;border-radius:.5rem;overflow-x:auto;font-size:.85rem}
"""
_COLOURS = {"published": "#2f8f4e", "excluded": "#c08a1e", "quarantined": "#c0392b", "dead_lettered": "#6c5ce7"}


def _figure(name: str, value) -> str:
    return f'<span data-figure="{escape(name)}">{escape(f"{value:,}" if isinstance(value, int) else str(value))}</span>'


def _bars(rows: list[tuple[str, str, float]], unit: str = "") -> str:
    """A horizontal bar chart: (figure name, label, value) a row, the value written beside its bar."""
    if not rows:
        return '<p class="muted">none</p>'
    top = max(value for _, _, value in rows) or 1
    height, width, label_w = 24, 520, 260
    parts = [f'<svg role="img" width="{width + label_w + 90}" height="{height * len(rows)}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for i, (name, label, value) in enumerate(rows):
        y = i * height
        colour = _COLOURS.get(name.split(":")[0], "#3b6bb5")
        shown = f"{value:,.1f}{unit}" if isinstance(value, float) else f"{value:,}{unit}"
        parts.append(f'<text x="0" y="{y + 16}" font-size="13">{escape(label[:48])}</text>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{max(1, value / top * width):.1f}" height="{height - 8}" '
                     f'fill="{colour}"/><text x="{label_w + max(1, value / top * width) + 6:.1f}" y="{y + 16}" '
                     f'font-size="13">{escape(shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(rows: list[tuple[str, str, int]], head: tuple[str, str]) -> str:
    if not rows:
        return '<p class="muted">none</p>'
    body = "".join(f"<tr><td>{escape(label)}</td><td class='n'>{_figure(name, value)}</td></tr>" for name, label, value in rows)
    return f"<table><tr><th>{escape(head[0])}</th><th class='n'>{escape(head[1])}</th></tr>{body}</table>"


def render_report(manifest: dict, terms: str, reasons: dict[str, int], timings: dict) -> str:
    c = manifest["counts"]
    ok = manifest["status"] == "published"
    excluded = sorted(c["excluded"].items(), key=lambda kv: -kv[1])
    dispositions = [("published", "published" if ok else "verified, but withheld with the run",
                     c["published"] if ok else c["verified_but_withheld"])]
    dispositions += [(f"excluded:{rule}", f"excluded: {rule}", n) for rule, n in excluded]
    dispositions += [("quarantined", "quarantined", c["quarantined"]), ("dead_lettered", "dead-lettered", c["dead_lettered"])]
    if c.get("suppressed_for_risk"):
        dispositions.append(("suppressed_for_risk", "suppressed: re-identification risk", c["suppressed_for_risk"]))
    risk = manifest.get("risk") or {}
    risk_rows = [(f"risk:{when}:{name}", f"{name.replace('_', ' ')} {when} the gate", (risk.get(when) or {}).get(name))
                 for when in ("before", "after")
                 for name in ("records", "classes", "k", "l", "share_below_k", "prosecutor_risk_max")
                 if (risk.get(when) or {}).get(name) is not None]
    entities = sorted(manifest["entities_redacted"].items(), key=lambda kv: -kv[1])
    reason_rows = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    stages = sorted(timings.get("stages", {}).items(), key=lambda kv: -kv[1])
    phases = timings.get("phases", {})
    contract = manifest["contract"]
    tiles = [("input_records", "records read", c["input_records"]),
             ("published", "published", c["published"]),
             ("excluded", "excluded", sum(c["excluded"].values())),
             ("quarantined", "quarantined", c["quarantined"]),
             ("dead_lettered", "dead-lettered", c["dead_lettered"])]
    files = "".join(
        f"<tr><td>{escape(kind)}</td><td>{escape(entry.get('path') or entry.get('file'))}</td>"
        f"<td class='n'>{entry['records']:,}</td><td><code>{escape(entry['sha256'][:16])}…</code></td></tr>"
        for kind, entries in [("input", manifest["inputs"]), *[(k, v) for k, v in manifest["outputs"].items()]]
        for entry in entries)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>feedshield run {escape(manifest['run_id'])}</title><style>{_STYLE}</style></head>
<body>
<h1>feedshield run <code>{escape(manifest['run_id'])}</code></h1>
<p><span class="status {'ok' if ok else 'failed'}" data-figure="status">{escape(manifest['status'])}</span>
&nbsp;{escape(contract['id'])} {escape(contract['version'])} for {escape(contract['recipient'])}, as of
{_figure('as_of', manifest['as_of'])}</p>
<p class="muted">feedshield {escape(manifest['tool']['version'])} · runner {escape(manifest['runner'])} ·
started {escape(manifest['started_at'])} · finished {escape(manifest['finished_at'])} ·
contract sha256 <code>{escape(contract['sha256'][:16])}…</code></p>
<div class="tiles">{''.join(f'<div class="tile"><b>{_figure(name, value)}</b>{escape(label)}</div>' for name, label, value in tiles)}</div>
<h2>Where every record went</h2>
{_bars(dispositions)}
<h2>Exclusions by rule</h2>
{_table([(f"excluded:{rule}", rule, n) for rule, n in excluded], ("rule", "records"))}
<h2>Why records were withheld</h2>
<p class="muted">Kinds of problem, as the dead letters and the quarantine name them: fields, never values.</p>
{_table([(f"reason:{kind}", kind, n) for kind, n in reason_rows], ("problem", "times"))}
<h2>Re-identification risk</h2>
<p class="muted">Classes of records that show the same {escape(", ".join(risk.get("quasi_identifiers", [])))}:
k is the smallest class, l the fewest distinct {escape(str(risk.get("sensitive")))} values in one;
target k={escape(str(risk.get("k")))}{escape(f", l={risk['l']}" if risk.get("l") else "")},
{escape("action " + str(risk.get("action")) if risk.get("gate") else "reported only: this contract sets no risk gate")};
{_figure("risk:generalized", risk.get("generalized", 0))} generalized,
{_figure("risk:suppressed", risk.get("suppressed", 0))} suppressed.</p>
{_table(risk_rows, ("figure", "value"))}
<h2>Entities redacted in free text</h2>
{_bars([(f"entity:{name}", name, n) for name, n in entities])}
<h2>Time</h2>
<p class="muted">Busy time of each stage, summed over every worker, as the runner measured it;
the driver's phases as wall time.</p>
{_bars([(f"stage:{name}", name, ms / 1000.0) for name, ms in stages], " s")}
{_table([(f"phase:{name}", name, f"{secs:.1f} s") for name, secs in phases.items()], ("phase", "wall time"))}
<h2>Files</h2>
<table><tr><th>kind</th><th>file</th><th class="n">records</th><th>sha256</th></tr>{files}</table>
<h2>The contract's terms</h2>
<pre>{escape(terms)}</pre>
</body></html>
"""
