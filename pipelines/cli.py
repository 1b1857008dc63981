"""`feedshield`: one command, a subcommand per job.

Each subcommand parses its own flags and hands validated objects to the
code that does the work, so that every job can be called from Python and
tested without a shell.
"""
import argparse
import sys
from datetime import date
from pathlib import Path

from pipelines import exit_codes
from pipelines.options import check_beam_args, iso_day


def _fixtures(args: argparse.Namespace) -> int:
    import fixtures
    fixtures.write(args.count, args.seed, Path(args.out), Path(args.labels) if args.labels else None)
    print(f"wrote {args.count} records to {args.out}" + (f" and labels to {args.labels}" if args.labels else ""))
    return exit_codes.OK


def _load_or_report(paths):
    """Load every contract; print each error to stderr. None if any failed."""
    from redaction_rules.contract_loader import ContractError, load_contract
    loaded, failed = [], False
    for path in paths:
        try:
            loaded.append(load_contract(path))
        except ContractError as exc:
            failed = True
            for message in exc.messages:
                print(message, file=sys.stderr)
    return None if failed else loaded


def _contract_validate(args) -> int:
    loaded = _load_or_report(args.files)
    if loaded is None:
        return exit_codes.USAGE
    for item in loaded:
        in_force, why = item.contract.in_force(args.as_of)
        print(f"{item.path}: valid ({item.contract.id} {item.contract.version}; "
              f"{'in force' if in_force else 'not in force'} on {args.as_of.isoformat()}: {why})")
    return exit_codes.OK


def _contract_explain(args) -> int:
    from redaction_rules.explain import explain
    loaded = _load_or_report([args.file])
    if loaded is None:
        return exit_codes.USAGE
    print(explain(loaded[0].contract, args.as_of))
    return exit_codes.OK


def _contract_diff(args) -> int:
    from redaction_rules.explain import diff
    loaded = _load_or_report([args.old, args.new])
    if loaded is None:
        return exit_codes.USAGE
    print(diff(loaded[0].contract, loaded[1].contract))
    return exit_codes.OK


def _demo(args) -> int:
    from pipelines.demo import main as demo_main
    return demo_main(args.out, args.count, args.seed, args.beam_args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="feedshield", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("fixtures", help="generate synthetic arrest records with ground-truth labels")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help="records, JSON Lines")
    p.add_argument("--labels", help="labels, JSON Lines, one line per record")
    p.set_defaults(func=_fixtures)

    contract = sub.add_parser("contract", help="validate, explain and compare data-sharing contracts")
    csub = contract.add_subparsers(dest="contract_command", required=True)
    p = csub.add_parser("validate", help="exit 0 if every contract is valid, else list the errors")
    p.add_argument("files", nargs="+")
    p.add_argument("--as-of", type=iso_day, default=date.today())
    p.set_defaults(func=_contract_validate)
    p = csub.add_parser("explain", help="what the recipient gets, field by field")
    p.add_argument("file")
    p.add_argument("--as-of", type=iso_day, default=date.today())
    p.set_defaults(func=_contract_explain)
    p = sub.add_parser("demo", help="generate synthetic records and run the 2009 ICE contract on them")
    p.add_argument("--out", default="out/demo", help="folder for the input and the run (default out/demo)")
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=_demo, accepts_beam_args=True)

    sub.add_parser("evaluate", help="run a contract on labelled records and score the feed: leak recall, utility")

    sub.add_parser("evaluate-text", help="score text redaction on a span-labelled set, beside Presidio alone")

    sub.add_parser("run", help="make a feed: feedshield run --contract F --input GLOB --output DIR "
                               "[--as-of D] [Beam options]; see feedshield run --help")

    p = csub.add_parser("diff", help="what became visible and what became hidden")
    p.add_argument("old")
    p.add_argument("new")
    p.set_defaults(func=_contract_diff)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["run"]:  # its flags are shared with Beam's: parsed in pipelines.run
        from pipelines.run import main as run_main
        return run_main(argv[1:])
    if argv[:1] == ["evaluate-text"]:
        from pipelines.evaluate_text import main as evaluate_text_main
        return evaluate_text_main(argv[1:])
    if argv[:1] == ["evaluate"]:
        from pipelines.evaluate import main as evaluate_main
        return evaluate_main(argv[1:])
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if rest and not getattr(args, "accepts_beam_args", False):
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    check_beam_args(parser, rest)
    args.beam_args = rest
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
