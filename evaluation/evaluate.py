"""`feedshield evaluate`: run the real pipeline, then score its feed against labels.

The run is `feedshield run` itself (same code path, same stages), into a
temporary folder unless `--output` is given. Figures go to stdout with
record ids, field paths and categories only; the text of each miss goes
only to `--report`, an owner-only HTML file marked as holding personal data.
"""
import argparse
import html
import json
import os
import sys
import tempfile
from pathlib import Path

from pipelines import exit_codes
from pipelines.options import RunRequest, iso_day
from redaction_rules.contract_loader import ContractError, load_contract
from evaluation.scoring import FeedScore, score_feed


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _pct(tally) -> str:
    return f"{tally.share:7.2%}  ({tally.hits}/{tally.total})"


def render(score: FeedScore) -> str:
    lines = [f"records published and scored: {score.records_published}",
             f"excluded records in the feed:  {score.excluded_published}",
             "",
             f"leak recall (labels that must not leave and did not): {_pct(score.protected)}",
             "  by category:"]
    lines += [f"    {k:<20} {_pct(v)}" for k, v in sorted(score.protected_by_category.items())]
    lines.append("  by role:")
    lines += [f"    {k:<20} {_pct(v)}" for k, v in sorted(score.protected_by_role.items())]
    lines.append("  by how the narrative is typed:")
    lines += [f"    {k:<20} {_pct(v)}" for k, v in sorted(score.protected_by_case.items())]
    lines += ["",
              f"utility (allowed labels still present):            {_pct(score.utility)}",
              f"  kept names in fields                             {_pct(score.names_in_fields)}",
              f"  kept names in the narrative                      {_pct(score.names_in_narrative)}",
              f"  charges                                          {_pct(score.charges)}",
              *[f"  kept names in narratives typed in {k:<15}{_pct(v)}" for k, v in sorted(score.utility_by_case.items())],
              f"narrative characters kept outside labelled spans:  {_pct(score.narrative_chars)}"]
    if score.misses:
        lines += ["", f"misses ({len(score.misses)}; texts only in --report):"]
        lines += [f"  {m.record_id}  {m.path}  {m.category}  ({m.role})" for m in score.misses[:50]]
        if len(score.misses) > 50:
            lines.append(f"  ... and {len(score.misses) - 50} more")
    return "\n".join(lines)


def write_report(path: Path, score: FeedScore, summary: str) -> None:
    rows = "\n".join(
        f"<tr><td>{html.escape(m.record_id)}</td><td>{html.escape(m.path)}</td><td>{html.escape(m.category)}</td>"
        f"<td>{html.escape(m.role)}</td><td>{html.escape(m.text)}</td></tr>" for m in score.misses)
    path.write_text(f"""<!doctype html>
<html><head><meta charset="utf-8"><title>feedshield evaluation (CONTAINS PERSONAL DATA)</title></head>
<body>
<p style="background:#b00;color:#fff;padding:1em;font-weight:bold">CONTAINS PERSONAL DATA: the texts of
sensitive values that reached the feed. Keep this file local; do not share or commit it.</p>
<pre>{html.escape(summary)}</pre>
<table border="1" cellpadding="4"><tr><th>record</th><th>field</th><th>category</th><th>role</th><th>text</th></tr>
{rows}
</table></body></html>
""", encoding="utf-8")
    path.chmod(0o600)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contract", required=True)
    parser.add_argument("--input", required=True, help="records, JSON Lines")
    parser.add_argument("--labels", required=True, help="labels from `feedshield fixtures --labels`")
    parser.add_argument("--report", help="HTML report with the text of every miss (personal data)")
    parser.add_argument("--min-recall", dest="min_recall", type=float, default=None,
                        help="exit 7 when leak recall is below this share, e.g. 0.995")
    parser.add_argument("--as-of", dest="as_of", type=iso_day, default=None)
    parser.add_argument("--output", help="run folder (default: a temporary folder)")
    parser.add_argument("--spacy-model", dest="spacy_model", default=None)
    parser.add_argument("--engine-config", dest="engine_config", default=None)


def command(args: argparse.Namespace, beam_args: list[str]) -> int:
    from ledger.audit_key import scratch_audit_key
    from pipelines.run import execute
    try:
        contract = load_contract(args.contract).contract
    except ContractError as exc:
        print(exc, file=sys.stderr)
        return exit_codes.USAGE
    if "record_id" not in contract.fields or contract.fields["record_id"].op != "keep":
        print("feedshield evaluate: the contract must keep record_id as-is to match feed records to labels",
              file=sys.stderr)
        return exit_codes.USAGE
    with tempfile.TemporaryDirectory(prefix="feedshield-eval-") as tmp:
        out = Path(args.output or tmp)
        request = RunRequest(contract=args.contract, input=args.input, output=str(out), as_of=args.as_of,
                             engine_config=args.engine_config, spacy_model=args.spacy_model,
                             audit_key_file=scratch_audit_key(out, os.environ))
        result = execute(request, beam_args)
        if result.exit_code != exit_codes.OK:
            print(f"feedshield evaluate: the run did not publish: {result.message}", file=sys.stderr)
            return result.exit_code
        feed = [r for p in sorted((result.run_dir / "feed").iterdir()) for r in _jsonl(p)]
        inputs = {r.get("record_id"): r for r in _jsonl(Path(args.input))}
        labels = {l["record_id"]: l["labels"] for l in _jsonl(Path(args.labels))}
        score = score_feed(contract, inputs, labels, feed)
    text = render(score)
    print(result.summary)
    print()
    print(text)
    if args.report:
        write_report(Path(args.report), score, text)
        print(f"\nreport with the text of each miss (personal data): {args.report}")
    if score.excluded_published:
        print("feedshield evaluate: excluded records reached the feed", file=sys.stderr)
        return exit_codes.EVALUATION
    if args.min_recall is not None and score.protected.share < args.min_recall:
        print(f"feedshield evaluate: leak recall {score.protected.share:.4f} is below --min-recall {args.min_recall}",
              file=sys.stderr)
        return exit_codes.EVALUATION
    return exit_codes.OK
