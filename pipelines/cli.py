"""`feedshield`: one command, a subcommand per job, one parser for all of them.

Each subcommand's module adds its own flags (`add_arguments`) and does its
work from the parsed, validated arguments (`command`), so that every job
can be called from Python and tested without a shell. What a subcommand
does not know is Beam's, for the commands that run a pipeline (checked
against Beam's options classes), and a usage error for the others.
Logging is set up before anything imports Beam, whose import logs a
warning of its own.
"""
import argparse
import sys
import textwrap
from datetime import date
from importlib.metadata import version

from pipelines import exit_codes, logs

EXIT_CODES = """\
exit codes:
  0  published (or, for the tools, done)
  1  the pipeline or publishing failed for another reason; nothing was published
  2  bad usage, or an invalid contract, key file or engine configuration
  3  the contract is not in force on the run's date; nothing was read or written
  4  verification failed (quarantine or dead letters over the threshold, counts that do not add up,
     or a re-identification risk class below k or l under action fail)
  5  input unreadable, empty, or two records with one record_id
  6  the configured spaCy model is not installed
  7  evaluate: leak recall under --min-recall, or an excluded record in the feed
  8  the ledger cannot be opened or written, or `ledger verify` found a broken link"""

BEAM_OPTIONS = """\
Beam options follow feedshield's, written with underscores, for example
  --direct_running_mode=multi_processing --direct_num_workers=2
  --runner=PortableRunner --job_endpoint=localhost:8099 --environment_type=LOOPBACK
The default runner is FnApiRunner, which never downloads anything. An
argument that is neither a feedshield flag nor a Beam option is an error."""

RUN_EXAMPLES = """\
examples:
  feedshield run --contract redaction_rules/contracts/ice-pars-2009.yaml \\
      --input 'exports/pars-*.jsonl.gz' --output runs/ice-2018-06-30 --as-of 2018-06-30
  feedshield run --contract researchers.yaml --input export.jsonl --output runs/r1 \\
      --log-format json --direct_running_mode=multi_processing --direct_num_workers=2"""


LEDGER_EXAMPLES = """\
examples:
  feedshield ledger releases runs/ice
  feedshield ledger disclosures runs/ice --record-id PARS-2018-004211
  feedshield ledger disclosures runs/ice --person-id PARS-2018-004211/P1
  feedshield ledger verify runs/ice
  feedshield ledger report runs/ice --from 2018-01-01 --to 2018-12-31 --html ledger.html"""


def _epilog(*parts: str) -> str:
    return "\n\n".join(parts)


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("logging")
    group.add_argument("--log-level", dest="log_level", choices=logs.LEVELS, default="info",
                       help="feedshield's own messages at this level and above (default info)")
    group.add_argument("--log-format", dest="log_format", choices=logs.FORMATS, default="text",
                       help="text for people, json (one object a line, with run id and stage) for log collectors")
    return common


def _fixtures_arguments(p):
    p.add_argument("--count", type=int, required=True, help="how many records to write")
    p.add_argument("--seed", type=int, default=0, help="the same seed gives the same records (default 0)")
    p.add_argument("--out", required=True, metavar="FILE|URL",
                   help="records: a JSON Lines file, or with --layout pars-sql a database URL (sqlite:///x.db)")
    p.add_argument("--layout", choices=("jsonl", "pars-sql"), default="jsonl",
                   help="jsonl (the spec), or pars-sql: incidents, persons and charges tables, as "
                        "redaction_rules/sources/pars-sql.yaml reads them (default jsonl)")
    p.add_argument("--labels", metavar="FILE", help="ground truth, one JSON line per record")


def _fixtures(args, _beam_args) -> int:
    from pathlib import Path
    import fixtures
    if args.layout == "pars-sql":
        from fixtures.pars_sql import write_pars_sql
        from pipelines.read_sql import SqlUnreadable, check_url, safe_url
        try:
            check_url(args.out)
        except SqlUnreadable as exc:
            print(f"feedshield fixtures: --out {safe_url(args.out)}: {exc}", file=sys.stderr)
            return exit_codes.USAGE
        write_pars_sql(args.count, args.seed, args.out)
        print(f"wrote {args.count} records to the incidents, persons and charges tables of {safe_url(args.out)}")
        return exit_codes.OK
    fixtures.write(args.count, args.seed, Path(args.out), Path(args.labels) if args.labels else None)
    print(f"wrote {args.count} records to {args.out}" + (f" and labels to {args.labels}" if args.labels else ""))
    return exit_codes.OK


def _load_or_report(paths):
    """Load every contract; say each error. None if any failed."""
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


def _contract_validate(args, _beam_args) -> int:
    loaded = _load_or_report(args.files)
    if loaded is None:
        return exit_codes.USAGE
    for item in loaded:
        in_force, why = item.contract.in_force(args.as_of)
        print(f"{item.path}: valid ({item.contract.id} {item.contract.version}; "
              f"{'in force' if in_force else 'not in force'} on {args.as_of.isoformat()}: {why})")
    return exit_codes.OK


def _contract_explain(args, _beam_args) -> int:
    from redaction_rules.explain import explain
    loaded = _load_or_report([args.file])
    if loaded is None:
        return exit_codes.USAGE
    print(explain(loaded[0].contract, args.as_of))
    return exit_codes.OK


def _contract_diff(args, _beam_args) -> int:
    from redaction_rules.explain import diff
    loaded = _load_or_report([args.old, args.new])
    if loaded is None:
        return exit_codes.USAGE
    from ledger.store import LedgerError
    from pipelines.ledger_cli import read_holdings
    try:
        held = read_holdings(args.feed, args.ledger) if args.feed else None
    except LedgerError as exc:
        print(f"feedshield contract diff: {exc}", file=sys.stderr)
        return exit_codes.LEDGER
    except ValueError as exc:  # a --feed that names no usable feed folder (locations, object_feed)
        print(f"feedshield contract diff: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    from ledger.amendment import first_release
    print("\n".join([diff(loaded[0].contract, loaded[1].contract), *first_release(loaded[0].contract,
                                                                                 loaded[1].contract, held)]))
    return exit_codes.OK


def _completion(args, _beam_args) -> int:
    import shtab
    print(shtab.complete(build_parser(), shell=args.shell))
    return exit_codes.OK


def _add(sub, name, *, func, help, arguments=None, beam=False, epilog=None, description=None, common=None):
    p = sub.add_parser(name, help=help, description=description or help, epilog=epilog, allow_abbrev=False,
                       parents=[common] if common is not None else [],
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    if arguments:
        arguments(p)
    p.set_defaults(func=func, beam=beam, subparser=p)
    return p


def _lazy(module: str, name: str):
    """A subcommand's function, imported only when that subcommand runs (Beam and spaCy are slow to import)."""
    def call(*args):
        from importlib import import_module
        return getattr(import_module(module), name)(*args)
    return call


def build_parser() -> argparse.ArgumentParser:
    from evaluation.evaluate import add_arguments as evaluate_arguments
    from evaluation.evaluate_text import add_arguments as evaluate_text_arguments
    from pipelines.options import add_run_arguments, iso_day
    common = _common()
    parser = argparse.ArgumentParser(
        prog="feedshield", allow_abbrev=False, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Contract-driven redaction of arrest-record exports with Apache Beam and Presidio.",
        epilog=_epilog("Run `feedshield COMMAND --help` for a command's flags.", EXIT_CODES))
    parser.add_argument("--version", action="version", version=f"feedshield {version('feedshield')}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    _add(sub, "run", func=_lazy("pipelines.run", "command"), arguments=add_run_arguments, beam=True, common=common,
         help="make a feed: one export under one contract",
         description=textwrap.dedent("""\
             Make a feed: read the export, apply the contract, redact free text, verify, and
             publish into DIR only if everything succeeded. A progress bar on a terminal, a
             progress line every --progress-every elsewhere; DIR/report.html and DIR/manifest.json
             describe the run, DIR/run.log (owner-only) holds its log and, on failure, a
             value-free traceback."""),
         epilog=_epilog(RUN_EXAMPLES, BEAM_OPTIONS, EXIT_CODES))
    _add(sub, "demo", func=_lazy("pipelines.demo", "command"), arguments=_lazy("pipelines.demo", "add_arguments"), beam=True,
         common=common, help="generate synthetic records and run the 2009 ICE contract on them",
         epilog=_epilog("example:\n  feedshield demo --out out/demo --count 500", BEAM_OPTIONS, EXIT_CODES))
    _add(sub, "fixtures", func=_fixtures, arguments=_fixtures_arguments, common=common,
         help="generate synthetic arrest records with ground-truth labels",
         epilog="example:\n  feedshield fixtures --count 5000 --seed 2026 --out records.jsonl --labels labels.jsonl")

    source = sub.add_parser("source", help="check what a source mapping makes of an export",
                            description="check what a source mapping makes of an export", allow_abbrev=False)
    ssub = source.add_subparsers(dest="source_command", required=True, metavar="ACTION")
    _add(ssub, "check", func=_lazy("pipelines.source_check", "command"),
         arguments=_lazy("pipelines.source_check", "add_arguments"), common=common,
         help="per mapped field: values filled, empty, unreadable and why; unread columns; a record's shape",
         epilog="example:\n  feedshield source check --mapping redaction_rules/sources/nypd-arrests.yaml "
                "--input arrests.csv\n\nexit 0: every required field can be filled; 5: one cannot, or the "
                "input cannot be read as mapped; 2: an invalid mapping")

    _add(sub, "watch", func=_lazy("pipelines.watch", "command"), arguments=_lazy("pipelines.watch", "add_arguments"),
         beam=True, common=common,
         help="an ongoing feed: one incremental release for each batch of new export files in a drop folder",
         description=textwrap.dedent("""\
             Look in the drop folder every --every; make one incremental release of the export
             files no committed release has read (by sha256, kept in the ledger). With --input
             and a SQL mapping naming sql.updated_at, poll the database instead, for the records
             updated since the last release. SIGTERM stops it between releases. deploy/ has a
             systemd unit and timer, a cron line and an Airflow DAG that run it."""),
         epilog=_epilog("examples:\n  feedshield watch --drop /srv/exports/pars --every 5m --contract ice.yaml "
                        "--output /srv/feeds/ice\n  feedshield watch --once --drop /srv/exports/pars "
                        "--contract ice.yaml --output /srv/feeds/ice\n  feedshield watch --input "
                        "postgresql://feedshield@pars-replica/pars --mapping redaction_rules/sources/pars-sql.yaml "
                        "--contract ice.yaml --output /srv/feeds/ice", BEAM_OPTIONS, EXIT_CODES))
    _add(sub, "apply-release", func=_lazy("pipelines.apply_release", "command"),
         arguments=_lazy("pipelines.apply_release", "add_arguments"), common=common, beam=True,
         help="the recipient's side: apply a feed folder's releases, in order, to a state folder",
         epilog="example:\n  feedshield apply-release received/ice --into state/ice\n\nexit 0: applied (or "
                "nothing new); 4: a release does not match its manifest, or retracts what the state does not hold")
    _add(sub, "risk", func=_lazy("pipelines.risk_report", "command"),
         arguments=_lazy("pipelines.risk_report", "add_arguments"), common=common,
         help="re-identification risk of an existing feed: k, l, prosecutor and journalist risk, failing classes",
         epilog="examples:\n  feedshield risk --contract redaction_rules/contracts/open-data.yaml "
                "--input runs/open/current/feed\n  feedshield risk --contract researchers.yaml --input feed/ "
                "--k 11 --table classes.csv\n\nexit 0: the figures were computed (a failing class is a finding, "
                "not an error); 2: an invalid contract; 5: no feed files")
    ledger = sub.add_parser("ledger", help="what was disclosed to whom: releases, disclosures, verify, report",
                            description="what was disclosed to whom, answered from a feed folder's ledger "
                                        "without personal data", allow_abbrev=False)
    lsub = ledger.add_subparsers(dest="ledger_command", required=True, metavar="ACTION")
    from pipelines.ledger_cli import COMMANDS as LEDGER_COMMANDS
    for name, (help_text, arguments, _) in LEDGER_COMMANDS.items():
        # Beam's file-system flags (--s3_endpoint_url, ...) reach a feed folder on an object store
        _add(lsub, name, func=_lazy("pipelines.ledger_cli", "command"), arguments=arguments, common=common, beam=True,
             help=help_text, epilog=_epilog(LEDGER_EXAMPLES, EXIT_CODES))

    contract = sub.add_parser("contract", help="validate, explain and compare data-sharing contracts",
                              description="validate, explain and compare data-sharing contracts", allow_abbrev=False)
    csub = contract.add_subparsers(dest="contract_command", required=True, metavar="ACTION")
    as_of = {"type": iso_day, "default": date.today(), "metavar": "YYYY-MM-DD",
             "help": "the date to check the term against (default: today)"}
    _add(csub, "validate", func=_contract_validate, common=common,
         arguments=lambda p: (p.add_argument("files", nargs="+", metavar="FILE"), p.add_argument("--as-of", **as_of)),
         help="exit 0 if every contract is valid, else every error with file:line and key (exit 2)")
    _add(csub, "explain", func=_contract_explain, common=common,
         arguments=lambda p: (p.add_argument("file", metavar="FILE"), p.add_argument("--as-of", **as_of)),
         help="what the recipient gets, field by field, and whether the contract is in force")
    _add(csub, "diff", func=_contract_diff, common=common,
         arguments=lambda p: (p.add_argument("old", metavar="OLD"), p.add_argument("new", metavar="NEW"),
                              p.add_argument("--feed", metavar="DIR", help="a feed folder made under OLD: count "
                                             "what NEW's first release there will update and retract"),
                              p.add_argument("--ledger", metavar="URL", help="its ledger, when not DIR/ledger.sqlite")),
         help="what became visible and what became hidden between two contracts")

    _add(sub, "evaluate", func=_lazy("evaluation.evaluate", "command"), arguments=evaluate_arguments, beam=True,
         common=common, help="run a contract on labelled records and score the feed: leak recall, utility",
         epilog=_epilog(BEAM_OPTIONS, EXIT_CODES))
    _add(sub, "evaluate-text", func=_lazy("evaluation.evaluate_text", "command"), arguments=evaluate_text_arguments,
         common=common, help="score text redaction on a span-labelled set, beside Presidio alone")
    _add(sub, "completion", func=_completion, common=common,
         arguments=lambda p: p.add_argument("shell", choices=("bash", "zsh", "tcsh")),
         help="print a shell completion script",
         epilog="example:\n  feedshield completion bash > /etc/bash_completion.d/feedshield")
    return parser


def main(argv: list[str] | None = None) -> int:
    logs.quiet_imports()
    from pipelines.options import check_beam_args
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if rest and not args.beam:
        args.subparser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.beam:
        check_beam_args(args.subparser, rest)
    logs.configure(args.log_level, args.log_format)
    return args.func(args, rest)


if __name__ == "__main__":
    sys.exit(main())
