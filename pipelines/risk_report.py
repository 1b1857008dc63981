"""`feedshield risk`: the re-identification risk of a feed that already exists, as a recipient holds it.

It reads the feed's records and classes them with the same model as the
pipeline's gate (`redaction_rules/risk.py`): k, the class-size
distribution, the share of records in classes below k, l-diversity,
prosecutor and journalist risk (max and average), and the classes that
fail, as counts and quasi-identifier values only (age bands, months,
districts: never a record). `--table` writes the classed table (one row a
record, one column a quasi-identifier, and the sensitive column) as CSV, so
that another tool (pycanon, ARX, sdcMicro) can check the figures on the
same data.
"""
import argparse
import csv
import glob
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from pipelines import exit_codes
from redaction_rules.contract_loader import ContractError, load_contract
from redaction_rules.risk import RiskModel, RiskSummary, model_for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contract", required=True, metavar="FILE",
                        help="the contract whose risk section (or default quasi-identifiers) to assess by")
    parser.add_argument("--input", required=True, metavar="FEED",
                        help="the feed: a folder of JSON Lines files (e.g. DIR/current/feed), a file or a glob")
    parser.add_argument("--population", default=None, metavar="FEED",
                        help="the population the recipient could match against (e.g. a fuller release), for "
                             "journalist risk; default: the feed itself")
    parser.add_argument("--k", type=int, default=None, help="assess against this k instead of the contract's")
    parser.add_argument("--show", type=int, default=20, metavar="N", help="failing classes to list (default 20)")
    parser.add_argument("--table", default=None, metavar="CSV", help="write the classed table here")
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")


def _feed_files(pattern: str) -> list[Path]:
    path = Path(pattern)
    if path.is_dir():
        return sorted(path.glob("*.jsonl"))
    return sorted(Path(p) for p in glob.glob(pattern))


def read_feed(pattern: str):
    for path in _feed_files(pattern):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def assess(model: RiskModel, records, population=None, show: int = 20) -> dict:
    classes, sensitive = Counter(), defaultdict(set)
    for output in records:
        key = model.key(output)
        classes[key] += 1
        sensitive[key].add(model.sensitive_value(output))
    summary = RiskSummary()
    for key, size in classes.items():
        summary.add(size, len(sensitive[key]))
    figures = summary.figures(model)
    if population is None:
        figures["journalist_risk_max"], figures["journalist_risk_avg"] = (
            figures["prosecutor_risk_max"], figures["prosecutor_risk_avg"])
        figures["journalist_population"] = "the feed itself"
    else:
        known = Counter(model.key(output) for output in population)
        risks = [1 / max(known.get(key, 0), size) for key, size in classes.items() for _ in range(size)]
        figures["journalist_risk_max"] = round(max(risks), 4) if risks else 0.0
        figures["journalist_risk_avg"] = round(sum(risks) / len(risks), 4) if risks else 0.0
        figures["journalist_population"] = sum(known.values())
    failing = sorted(((size, len(sensitive[key]), key) for key, size in classes.items()
                      if model.fails(size, len(sensitive[key]))), key=lambda t: (t[0], t[1], t[2]))
    figures["failing_classes"] = [{"records": size, "distinct_sensitive": distinct,
                                   "values": dict(zip(model.quasi_identifiers, ["|".join(v) for v in key]))}
                                  for size, distinct, key in failing[:show]]
    return figures


def write_table(model: RiskModel, records, path: str) -> int:
    columns = [*model.quasi_identifiers, *([model.sensitive] if model.sensitive else [])]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        n = 0
        for output in records:
            row = ["|".join(v) for v in model.key(output)]
            writer.writerow(row + ([model.sensitive_value(output)] if model.sensitive else []))
            n += 1
    return n


def render(model: RiskModel, f: dict) -> str:
    lines = [f"quasi-identifiers: {', '.join(model.quasi_identifiers)}",
             f"records {f['records']:,} in {f['classes']:,} classes; k = {f['k']} (target {model.k})",
             f"records in classes below k: {f['records_in_classes_below_k']:,} ({f['share_below_k']:.2%}), "
             f"{f['classes_below_k']:,} classes"]
    if model.sensitive:
        lines.append(f"l-diversity of {model.sensitive}: l = {f['l']}" + (
            f" (target {model.l}; {f['classes_below_l']:,} classes below)" if model.l else ""))
    lines.append(f"prosecutor risk: max {f['prosecutor_risk_max']}, average {f['prosecutor_risk_avg']}")
    lines.append(f"journalist risk: max {f['journalist_risk_max']}, average {f['journalist_risk_avg']} "
                 f"(population: {f['journalist_population']})")
    sizes = ", ".join(f"{size}: {n}" for size, n in list(f["class_sizes"].items())[:12])
    lines.append(f"classes by size (size: classes): {sizes}{', ...' if len(f['class_sizes']) > 12 else ''}")
    if f["failing_classes"]:
        lines.append("smallest failing classes (records, distinct sensitive values, values):")
        for c in f["failing_classes"]:
            lines.append(f"  {c['records']:>4} {c['distinct_sensitive']:>3}  "
                         + "; ".join(f"{k}={v}" for k, v in c["values"].items()))
    return "\n".join(lines)


def command(args, _beam_args=None) -> int:
    try:
        contract = load_contract(args.contract).contract
    except ContractError as exc:
        print(exc, file=sys.stderr)
        return exit_codes.USAGE
    model = model_for(contract)
    if args.k is not None:
        model = RiskModel(model.quasi_identifiers, args.k, model.l, model.sensitive, model.action, model.steps)
    if not _feed_files(args.input):
        print(f"feedshield risk: {args.input}: no feed files", file=sys.stderr)
        return exit_codes.INPUT
    population = list(read_feed(args.population)) if args.population else None
    figures = assess(model, read_feed(args.input), population, args.show)
    if args.table:
        write_table(model, read_feed(args.input), args.table)
    print(json.dumps(figures, indent=2) if args.json else render(model, figures))
    return exit_codes.OK
