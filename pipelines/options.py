"""The `feedshield run` flags, as a Beam `PipelineOptions` subclass.

Beam's own flags (--runner, --direct_num_workers, ...) pass through
untouched; `split_args` keeps ours apart, and an argument that neither
feedshield nor any of Beam's options classes knows is a usage error: Beam
would only warn "Discarding unparseable args" and run with its defaults,
so `--contrakt x` or `--spacymodel xx` would have run as if never given.
"""
import argparse
from datetime import date

from apache_beam.options.pipeline_options import PipelineOptions, _BeamArgumentParser


def iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a date as YYYY-MM-DD") from None


class FeedshieldOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser):
        # not required=True here: Beam parses every options class whenever any
        # PipelineOptions is built, and would fail without them
        parser.add_argument("--contract", help="the recipient's contract (YAML)")
        parser.add_argument("--input", help="JSON Lines files: a path or glob, .gz read as gzip")
        parser.add_argument("--output", help="run folder: feed/, quarantine/, dead-letter/, manifest.json")
        parser.add_argument("--as-of", dest="as_of", type=iso_day, default=None,
                            help="date the contract must be in force on (default: today)")
        parser.add_argument("--engine-config", dest="engine_config", default=None,
                            help="Presidio/spaCy engine configuration (default: the built-in engine.yaml)")
        parser.add_argument("--spacy-model", dest="spacy_model", default=None,
                            help="an installed spaCy model to use instead of the configured one")
        parser.add_argument("--feed-shards", dest="feed_shards", type=int, default=1,
                            help="number of feed files (default 1)")
        parser.add_argument("--allow-empty", dest="allow_empty", action="store_true",
                            help="publish an empty feed when the input holds no records (default: exit 5)")


def unknown_beam_args(args: list[str]) -> list[str]:
    """The arguments no Beam options class takes, parsed as Beam's `get_all_options` parses them."""
    parser = _BeamArgumentParser(allow_abbrev=False)
    classes = {str(c): c for c in PipelineOptions.__subclasses__() if c is not FeedshieldOptions}
    for cls in classes.values():
        cls._add_argparse_args(parser)
    _, unknown = parser.parse_known_args(args)
    return [arg.split("=", 1)[0] for arg in unknown]


def check_beam_args(parser: argparse.ArgumentParser, args: list[str]) -> None:
    """Exit 2 (through `parser.error`) on any argument neither feedshield nor Beam knows."""
    unknown = unknown_beam_args(args)
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)} (not a feedshield flag, nor a Beam option)")


def split_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """(feedshield's flags, Beam's flags). Raises SystemExit(2) on a bad feedshield flag."""
    parser = argparse.ArgumentParser(prog="feedshield run", allow_abbrev=False)
    FeedshieldOptions._add_argparse_args(parser)
    own, rest = parser.parse_known_args(argv)
    missing = [f"--{n}" for n in ("contract", "input", "output") if getattr(own, n) is None]
    if missing:
        parser.error(f"the following arguments are required: {', '.join(missing)}")
    for arg in rest:
        name = arg.split("=", 1)[0]
        if name.startswith("--") and "-" in name[2:]:
            parser.error(f"unrecognized argument: {name} (Beam options are written with underscores)")
    check_beam_args(parser, rest)
    if own.feed_shards < 1:
        parser.error("--feed-shards must be at least 1")
    return own, rest
