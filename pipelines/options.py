"""The `feedshield run` flags, the typed request they become, and the check on Beam's.

feedshield's own flags are parsed by its own parser; what is left over is
Beam's, handed to `PipelineOptions` as in Beam's `wordcount` example. An
argument that neither feedshield nor any of Beam's options classes knows
is a usage error: Beam would only warn "Discarding unparseable args" and
run with its defaults, so `--contrakt x` or `--spacymodel xx` would have
run as if never given. Beam is imported only where its options are read,
so that the CLI can quiet Beam's import-time warning before it happens.
"""
import argparse
from dataclasses import dataclass, fields
from datetime import date


def iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a date as YYYY-MM-DD") from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def seconds(text: str) -> float:
    """`30`, `30s`, `5m` or `1h`."""
    units = {"s": 1, "m": 60, "h": 3600}
    number, unit = (text[:-1], units[text[-1]]) if text[-1:] in units else (text, 1)
    try:
        value = float(number) * unit
    except ValueError:
        raise argparse.ArgumentTypeError("expected a duration such as 30s, 5m or 1h") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be longer than zero")
    return value


@dataclass(frozen=True)
class RunRequest:
    """One `feedshield run`, validated: what every later phase reads instead of the command line."""
    contract: str
    input: str | tuple[str, ...]  # a path, glob or database URL; or the files of one `watch` batch
    output: str
    as_of: date | None = None
    engine_config: str | None = None
    mapping: str | None = None
    spacy_model: str | None = None
    feed_shards: int = 1
    allow_empty: bool = False
    progress_every: float = 30.0
    ledger: str | None = None
    state: str | None = None
    audit_key_file: str | None = None
    signing_key: str | None = None
    incremental: bool = False
    changes_only: bool = False
    updated_window: object = None  # `watch` polling a database: a `read_sql.Poll`

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "RunRequest":
        return cls(**{f.name: getattr(args, f.name) for f in fields(cls) if hasattr(args, f.name)})


def add_run_arguments(parser: argparse.ArgumentParser, watch: bool = False) -> None:
    """`feedshield run`'s flags; `watch` takes the same, with a drop folder instead of --input."""
    required = parser.add_argument_group("required")
    required.add_argument("--contract", required=True, metavar="FILE", help="the recipient's contract (YAML)")
    if watch:
        source = required.add_mutually_exclusive_group(required=True)
        source.add_argument("--drop", metavar="DIR",
                            help="the folder export files land in (written elsewhere, or under a name starting "
                                 "with '.' or ending in .part, then renamed into place)")
        source.add_argument("--input", metavar="URL",
                            help="a database to poll, by the sql.updated_at column its --mapping names, for the "
                                 "records changed since the last release")
    else:
        required.add_argument("--input", required=True, metavar="PATTERN",
                              help="JSON Lines files: a path or glob; .gz, .bz2, .xz and .lzma are decompressed")
    required.add_argument("--output", required=True, metavar="DIR",
                          help="feed folder: releases/NNNNNN/ (feed, manifest, report), current, withheld/, failed/, "
                             "ledger.sqlite, run.log; or a gs:// or s3:// URL, with --state")
    parser.add_argument("--as-of", dest="as_of", type=iso_day, default=None, metavar="YYYY-MM-DD",
                        help="date the contract must be in force on (default: today)")
    parser.add_argument("--mapping", default=None, metavar="FILE",
                        help="source mapping (YAML) that reads the input's layout, e.g. a CSV export "
                             "(default: the input is the spec's JSON Lines)")
    parser.add_argument("--engine-config", dest="engine_config", default=None, metavar="FILE",
                        help="Presidio/spaCy engine configuration (default: the built-in engine.yaml)")
    parser.add_argument("--spacy-model", dest="spacy_model", default=None, metavar="NAME",
                        help="an installed spaCy model to use instead of the configured one")
    parser.add_argument("--feed-shards", dest="feed_shards", type=positive_int, default=1, metavar="N",
                        help="number of feed files (default 1)")
    parser.add_argument("--allow-empty", dest="allow_empty", action="store_true",
                        help="publish an empty release when the input holds no records (default: exit 5)")
    parser.add_argument("--progress-every", dest="progress_every", type=seconds, default=30.0, metavar="DURATION",
                        help="when stderr is not a terminal, a progress line this often (default 30s)")
    feed = parser.add_argument_group("ongoing feed")
    if not watch:
        feed.add_argument("--incremental", action="store_true",
                          help="send only what changed since the last committed release: new records, updates, and "
                               "retractions of what may no longer be disclosed (the ledger is the state)")
    feed.add_argument("--changes-only", dest="changes_only", action="store_true",
                      help=("each export file holds only changed records, so a record it does not hold is "
                            "unchanged, not deleted" if watch else
                            "with --incremental: the input holds only changed records, so a record it does not "
                            "hold is unchanged, not deleted"))
    if watch:
        feed.add_argument("--every", type=seconds, default=300.0, metavar="DURATION",
                          help="how often to look in the drop folder (default 5m)")
        feed.add_argument("--pattern", default="*", metavar="GLOB", help="which files of the drop folder are exports "
                                                                          "(default: all)")
        feed.add_argument("--settle", type=seconds, default=30.0, metavar="DURATION",
                          help="a file is taken once it has not changed for this long (default 30s)")
        feed.add_argument("--once", action="store_true",
                          help="make at most one release of what is new, then exit (for cron, a systemd timer, Airflow)")
    add_ledger_arguments(parser)


def add_ledger_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("ledger")
    group.add_argument("--ledger", default=None, metavar="URL",
                       help="the disclosure ledger: sqlite:///path or postgresql://user@host/db, shared by "
                            "several export hosts (default: DIR/ledger.sqlite); no password in the URL")
    group.add_argument("--state", default=None, metavar="STATE_DIR",
                       help="for a feed folder on an object store (--output gs://... or s3://...): the local "
                            "folder of its lock, its default ledger and its run log, the same for every run")
    group.add_argument("--audit-key-file", dest="audit_key_file", default=None, metavar="FILE",
                       help="the city's audit key, owner-only (default: environment variable FEEDSHIELD_AUDIT_KEY)")
    group.add_argument("--signing-key", dest="signing_key", default=None, metavar="FILE",
                       help="an Ed25519 private key (PEM, owner-only) that signs each release's chain head")


def unknown_beam_args(args: list[str]) -> list[str]:
    """The arguments no Beam options class takes, parsed as Beam's `get_all_options` parses them."""
    from apache_beam.options.pipeline_options import PipelineOptions, _BeamArgumentParser
    parser = _BeamArgumentParser(allow_abbrev=False)
    for cls in {str(c): c for c in PipelineOptions.__subclasses__()}.values():
        cls._add_argparse_args(parser)
    _, unknown = parser.parse_known_args(args)
    return [arg.split("=", 1)[0] for arg in unknown]


def check_beam_args(parser: argparse.ArgumentParser, args: list[str]) -> None:
    """Exit 2 (through `parser.error`) on any argument neither feedshield nor Beam knows."""
    for arg in args:
        name = arg.split("=", 1)[0]
        if name.startswith("--") and "-" in name[2:]:
            parser.error(f"unrecognized argument: {name} (Beam options are written with underscores)")
    unknown = unknown_beam_args(args)
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)} (not a feedshield flag, nor a Beam option)")
