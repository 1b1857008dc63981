"""`feedshield source check`: what a mapping makes of an export, before a feed is made from it.

Reads the input as `feedshield run --mapping` would (the same readers, the
same mapping, the same parser), in this one process, and prints per field
how many values were filled, empty or unreadable and why, the columns left
unread, and the shape of a mapped record. Nothing here prints a value.
Exit 0 when every required field can be filled, 5 when one cannot (or the
input cannot be read as mapped), 2 for an invalid mapping.
"""
import argparse
import json

from pipelines import exit_codes
from pipelines.inputs import InputError, resolve_inputs
from pipelines.scan_inputs import proved_here
from pipelines.read_csv import CsvChunk, iter_csv_chunk
from pipelines.read_parquet import ParquetChunk, iter_parquet_chunk, scan_parquet
from pipelines.read_sql import SqlChunk, SqlRowReader, create_engine, reflect
from redaction_rules.fields import record_schema
from redaction_rules.source_check import SourceCheck
from redaction_rules.source_mapping import MappingError, SourceMapping, load_mapping


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mapping", required=True, metavar="FILE", help="the source mapping (YAML)")
    parser.add_argument("--input", required=True, metavar="PATTERN|URL",
                        help="the export: files (CSV) or a database URL, as for `feedshield run`")
    parser.add_argument("--json", action="store_true", help="the report as one JSON object instead of text")


def _rows(chunks):
    """(columns, persons, charges, problem) of every row of the chunks, in order, read as the run reads them."""
    sql = SqlRowReader()
    read = {CsvChunk: iter_csv_chunk, ParquetChunk: iter_parquet_chunk, SqlChunk: sql.rows}
    try:
        for chunk in chunks:
            for row in read[type(chunk)](chunk):
                yield row.columns, row.persons or (), row.charges or (), row.problem
    finally:
        sql.close()


def unread_columns(mapping: SourceMapping, chunks) -> dict[str, list[str]]:
    """Columns the export has that the mapping never reads, by table ("file" for a CSV)."""
    if not chunks:
        return {}
    first = chunks[0]
    if isinstance(first, CsvChunk):
        return {"file": [c for c in first.header if c not in mapping.columns]}
    if isinstance(first, ParquetChunk):
        return {"file": [c for c in scan_parquet(0, first.path, [])[2] if c not in mapping.columns]}
    engine = create_engine(first.url)
    try:
        with engine.connect() as connection:
            sources = reflect(connection, mapping)
            unread = {}
            for section, source in sources.items():
                read = set(mapping.columns_of(section)) | {mapping.sql.key}
                read |= {mapping.sql.updated_at} if section == "record" and mapping.sql.updated_at else set()
                ref = mapping.sql.record if section == "record" else mapping.table_of(section)
                read |= set(ref.order_by)
                unread[ref.table or f"{section} query"] = [c.name for c in source.c if c.name not in read]
            return unread
    finally:
        engine.dispose()


def report(check: SourceCheck, unread: dict) -> dict:
    return {
        "rows": check.rows,
        "fields": {path: {"filled": t.filled, "empty": t.empty, "unreadable": dict(t.unreadable),
                          "filled_share": round(t.filled / t.total, 4) if t.total else None}
                   for path, t in check.fields.items()},
        "records_the_spec_refuses": dict(check.rejected),
        "unread_columns": unread,
        "record_shape": check.sample,
        "required_not_filled": check.failed_required,
    }


def render(result: dict) -> str:
    lines = [f"{result['rows']:,} rows", "", f"  {'field':40s} {'filled':>8s} {'empty':>8s} {'unreadable':>10s}"]
    for path, f in result["fields"].items():
        share = f" ({f['filled_share']:.1%})" if f["filled_share"] is not None else ""
        lines.append(f"  {path:40s} {f['filled']:8,d} {f['empty']:8,d} {sum(f['unreadable'].values()):10,d}{share}")
        lines += [f"      {n:,} × {why}" for why, n in sorted(f["unreadable"].items(), key=lambda kv: -kv[1])]
    if result["records_the_spec_refuses"]:
        lines += ["", "mapped records the spec refuses (they would be dead letters):"]
        lines += [f"  {n:,} × {why}" for why, n in sorted(result["records_the_spec_refuses"].items(), key=lambda kv: -kv[1])]
    for table, columns in result["unread_columns"].items():
        lines += ["", f"columns of {table} the mapping does not read ({len(columns)}):",
                  "  " + (", ".join(columns) or "(none)")]
    lines += ["", "shape of a mapped record (types only):", json.dumps(result["record_shape"], indent=2)]
    if result["required_not_filled"]:
        lines += ["", "required fields that some rows do not fill: " + ", ".join(result["required_not_filled"])]
    return "\n".join(lines)


def command(args: argparse.Namespace, _beam_args: list[str]) -> int:
    import sys
    try:
        loaded = load_mapping(args.mapping)
    except MappingError as exc:
        print(exc, file=sys.stderr)
        return exit_codes.USAGE
    try:
        inputs = proved_here(resolve_inputs(args.input, loaded.mapping), loaded.mapping)
    except InputError as exc:
        print(exc, file=sys.stderr)
        return exit_codes.INPUT
    check = SourceCheck(loaded.mapping, record_schema())
    chunks = [chunk for f in inputs for chunk in f.chunks]
    for columns, persons, charges, problem in _rows(chunks):
        if problem is not None:
            check.add_problem(problem)
        elif loaded.mapping.group_by:  # each row gives its record a person and a charge
            check.add(columns, (columns,), (columns,))
        else:
            check.add(columns, persons, charges)
    result = report(check, unread_columns(loaded.mapping, chunks))
    print(json.dumps(result, indent=2) if args.json else render(result))
    if result["required_not_filled"]:
        print(f"feedshield source check: {', '.join(result['required_not_filled'])} cannot be filled for every row; "
              "those records would be dead letters", file=sys.stderr)
        return exit_codes.INPUT
    return exit_codes.OK
