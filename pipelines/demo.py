"""`feedshield demo`: the whole story on synthetic data, in one command.

Generates 2,000 records and runs the 2009 ICE agreement over them as of a
date inside its term (it was not renewed in 2018, so a run as of today
would rightly produce nothing), then prints the run's summary.
"""
import argparse
import os
from pathlib import Path

import fixtures
from redaction_rules.contract_loader import CONTRACTS_DIR
from redaction_rules.source_mapping import SOURCES_DIR

DEMO_CONTRACT = CONTRACTS_DIR / "ice-pars-2009.yaml"
DEMO_AS_OF = "2018-06-30"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="out/demo", metavar="DIR",
                        help="folder for the input and the run (default out/demo)")
    parser.add_argument("--count", type=int, default=2000, help="how many synthetic records (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same records (default 1)")
    parser.add_argument("--layout", choices=("jsonl", "pars-sql"), default="jsonl",
                        help="the records as the spec's JSON Lines, or in a PARS-like SQLite database "
                             "read through redaction_rules/sources/pars-sql.yaml (default jsonl)")


def command(args: argparse.Namespace, beam_args: list[str]) -> int:
    from datetime import date
    from pipelines.options import RunRequest
    from ledger.audit_key import scratch_audit_key
    from pipelines.run import execute, report_result
    out_dir = Path(args.out)
    mapping = None
    if args.layout == "pars-sql":
        from fixtures.pars_sql import write_pars_sql
        database = (out_dir / "input" / "pars.db").resolve()
        database.parent.mkdir(parents=True, exist_ok=True)
        source = f"sqlite:///{database}"
        write_pars_sql(args.count, args.seed, source)
        mapping = str(SOURCES_DIR / "pars-sql.yaml")
        print(f"generated {args.count} synthetic records in the incidents, persons and charges tables of {source}")
    else:
        source = str(out_dir / "input" / "records.jsonl")
        fixtures.write(args.count, args.seed, Path(source), out_dir / "input" / "labels.jsonl")
        print(f"generated {args.count} synthetic records in {source}")
    request = RunRequest(contract=str(DEMO_CONTRACT), input=source, output=str(out_dir / "run"),
                         as_of=date.fromisoformat(DEMO_AS_OF), mapping=mapping,
                         audit_key_file=scratch_audit_key(out_dir, os.environ))
    return report_result(execute(request, beam_args))
