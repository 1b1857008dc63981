"""`feedshield demo`: the whole story on synthetic data, in one command.

Generates 2,000 records and runs the 2009 ICE agreement over them as of a
date inside its term (it was not renewed in 2018, so a run as of today
would rightly produce nothing), then prints the run's summary.
"""
from pathlib import Path

import fixtures
from pipelines.run import main as run_main
from redaction_rules.contract_loader import CONTRACTS_DIR

DEMO_CONTRACT = CONTRACTS_DIR / "ice-pars-2009.yaml"
DEMO_AS_OF = "2018-06-30"


def main(out: str, count: int, seed: int, beam_args: list[str]) -> int:
    out_dir = Path(out)
    records = out_dir / "input" / "records.jsonl"
    fixtures.write(count, seed, records, out_dir / "input" / "labels.jsonl")
    print(f"generated {count} synthetic records in {records}")
    return run_main(["--contract", str(DEMO_CONTRACT), "--input", str(records),
                     "--output", str(out_dir / "run"), "--as-of", DEMO_AS_OF, *beam_args])
