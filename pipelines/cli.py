"""`feedshield`: one command, a subcommand per job.

Each subcommand parses its own flags and hands validated objects to the
code that does the work, so that every job can be called from Python and
tested without a shell.
"""
import argparse
import sys
from pathlib import Path

from pipelines import exit_codes


def _fixtures(args: argparse.Namespace) -> int:
    import fixtures
    fixtures.write(args.count, args.seed, Path(args.out), Path(args.labels) if args.labels else None)
    print(f"wrote {args.count} records to {args.out}" + (f" and labels to {args.labels}" if args.labels else ""))
    return exit_codes.OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="feedshield", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("fixtures", help="generate synthetic arrest records with ground-truth labels")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help="records, JSON Lines")
    p.add_argument("--labels", help="labels, JSON Lines, one line per record")
    p.set_defaults(func=_fixtures)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if rest and not getattr(args, "accepts_beam_args", False):
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.beam_args = rest
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
