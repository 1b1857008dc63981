"""`feedshield demo`: the whole story on synthetic data, in one command.

Generates 2,000 records and runs the 2009 ICE agreement over them as of a
date inside its term (it was not renewed in 2018, so a run as of today
would rightly produce nothing), then prints the run's summary.
"""
import argparse
from pathlib import Path

import fixtures
from redaction_rules.contract_loader import CONTRACTS_DIR

DEMO_CONTRACT = CONTRACTS_DIR / "ice-pars-2009.yaml"
DEMO_AS_OF = "2018-06-30"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="out/demo", metavar="DIR",
                        help="folder for the input and the run (default out/demo)")
    parser.add_argument("--count", type=int, default=2000, help="how many synthetic records (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same records (default 1)")


def command(args: argparse.Namespace, beam_args: list[str]) -> int:
    from datetime import date
    from pipelines.options import RunRequest
    from pipelines.run import execute, report_result
    out_dir = Path(args.out)
    records = out_dir / "input" / "records.jsonl"
    fixtures.write(args.count, args.seed, records, out_dir / "input" / "labels.jsonl")
    print(f"generated {args.count} synthetic records in {records}")
    request = RunRequest(contract=str(DEMO_CONTRACT), input=str(records), output=str(out_dir / "run"),
                         as_of=date.fromisoformat(DEMO_AS_OF))
    return report_result(execute(request, beam_args))
