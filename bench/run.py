"""Throughput and memory of feedshield against Presidio alone and the Beam floor.

For each size (default 5,000 and 50,000 records of one seed) and in one
process, times:

1. passthrough: the same Beam runner reading the input, parsing each record,
   dropping one field and writing JSON Lines (the floor);
2. bare NER: the configured spaCy model, NER only, `nlp.pipe` over the
   narratives, in one process and in two;
3. Presidio alone: the default `AnalyzerEngine` and `AnonymizerEngine` with
   the same model on every string value of every record, one call a value,
   on a sample (it is two orders of magnitude slower; a rate is a rate);
4. feedshield: `feedshield run` with the 2009 ICE contract, in-process and
   with two workers; and in-process again on the same records without
   their narratives;
5. reading a city's export, per format (CSV, Parquet, SQLite): feedshield's
   read, mapping and parse beside a plain Beam read of the same data
   (`bench/formats.py`);
6. the ledger: describing every record as the workers do and appending the
   release and its disclosures to a fresh SQLite ledger, as a share of the
   in-process run's time;
7. the re-identification gate: the researchers' contract's classes, k, l
   and one generalization step over every record (`AssessRisk` on the same
   runner), as a share of the in-process run's time;
8. an increment: `feedshield run --incremental` on the same export with 1%
   of its records changed, into the in-process run's feed folder, as a
   share of that run's time.

It prints records/s, the ratios the targets name, peak resident memory
(largest single process, workers included) and the 2-worker run's driver
CPU time and peak memory (the stage's own process, whose children are the
workers), and writes all figures as JSON.
Each stage runs in a fresh process, so that no stage's memory (a model
another stage loaded, the benchmark's own lists) is counted as another's;
the clock starts there after the imports. Timings are not asserted
anywhere: tests only run this at a tiny size.
"""
import argparse
import json
import logging
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timezone
from pathlib import Path

import apache_beam as beam

import fixtures
from bench import formats
from bench.memory import PeakMemory
from bench.portable import portable_services
from pipelines.options import RunRequest
from pipelines.read import ReadJsonLines, scan
from pipelines.run import beam_options, execute
from redaction_rules.contract_loader import CONTRACTS_DIR
from redaction_rules.engine import load_engine_config
from redaction_rules.source_mapping import SOURCES_DIR
from evaluation.scoring import string_leaves

CONTRACT = CONTRACTS_DIR / "ice-pars-2009.yaml"
AS_OF = "2018-06-30"
TWO_WORKERS = ["--direct_running_mode=multi_processing", "--direct_num_workers=2"]
TARGETS = {
    "feedshield_2w_over_presidio": 20.0,
    "feedshield_2w_over_bare_ner_2p": 0.75,
    "feedshield_scaling_over_bare_ner_scaling": 0.95,  # (2 workers over 1) over (2 processes over 1)
    "no_narrative_over_passthrough": 0.50,
    "read_csv_over_plain_beam": 0.50,
    "read_parquet_over_plain_beam": 0.50,
    "read_sqlite_over_plain_beam": 0.50,
}
CEILINGS = {"ledger_over_feedshield_1w": 0.05, "risk_gate_over_feedshield_1w": 0.05,
            "increment_1pct_over_feedshield_1w": 0.10}  # ratios of time that must stay under a share
MEMORY_LIMIT_MB = 1536
FEEDSHIELD_STAGES = ("feedshield", "increment")  # the stages whose processes the memory limit is for


def clocked(work, args=()):
    logging.getLogger().setLevel(logging.WARNING)
    # Presidio warns about every unmapped NER label on every call; the warnings
    # would cost Presidio alone time that a quiet deployment does not pay
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    began = time.perf_counter()
    result = work(*args)
    return result, time.perf_counter() - began


def _stage(work, args):
    """A stage in its fresh process, which is the stage's driver: with Beam's worker processes its
    children, its own CPU time and peak memory are the driver's, which must not grow with the input."""
    cpu = _cpu_s()
    result, seconds = clocked(work, args)
    return result, seconds, {"driver_cpu_s": round(_cpu_s() - cpu, 2),
                             "driver_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(name: str, records: int, work, *args) -> dict:
    """Runs `work(*args)` (a module-level function) in a fresh process."""
    with PeakMemory() as memory, ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        result, seconds, driver = pool.submit(_stage, work, args).result()
    if isinstance(result, tuple):  # a stage that times only its own part: (records, seconds)
        result, seconds = result
    records = result if isinstance(result, int) else records
    return {"stage": name, "records": records, "seconds": round(seconds, 2),
            "records_per_s": round(records / seconds, 1) if seconds else None,
            "peak_rss_mb": memory.peak_mb, "processes": len(memory.pids), **driver}


def passthrough(records_path: Path, out: Path, beam_args: list[str]) -> int:
    def drop_one_field(element):
        record = json.loads(element.raw)
        record.pop("narrative", None)
        return json.dumps(record)

    with beam.Pipeline(options=beam_options(beam_args)) as p:
        (p | "Read" >> ReadJsonLines(scan(0, str(records_path))[1])
           | "ParseAndDrop" >> beam.Map(drop_one_field)
           | "Write" >> beam.io.WriteToText(str(out / "passthrough"), file_name_suffix=".jsonl"))
    return sum(1 for f in out.glob("passthrough*") for _ in f.open())


def _narratives(records_path: Path) -> list[str]:
    with records_path.open() as source:
        return [n for n in (json.loads(line).get("narrative") for line in source) if n]


def bare_ner(records_path: Path, processes: int) -> int:
    import spacy
    texts = _narratives(records_path)
    config = load_engine_config()
    nlp = spacy.load(config.spacy_model, exclude=list(config.exclude_components))
    for _ in nlp.pipe(texts, batch_size=config.batch_size, n_process=processes):
        pass
    return len(texts)


def presidio_alone(records_path: Path, sample: int) -> int:
    from presidio_anonymizer import AnonymizerEngine

    from evaluation.evaluate_text import presidio_default
    with records_path.open() as source:
        records = [json.loads(line) for line, _ in zip(source, range(sample))]
    analyzer = presidio_default(load_engine_config().spacy_model)
    anonymizer = AnonymizerEngine()
    for record in records:
        for _, value in string_leaves(record):
            anonymizer.anonymize(text=value, analyzer_results=analyzer.analyze(value, language="en"))
    return len(records)


def feedshield(records_path: Path, out: Path, beam_args: list[str]) -> int:
    from ledger.audit_key import scratch_audit_key
    request = RunRequest(contract=str(CONTRACT), input=str(records_path), output=str(out),
                         as_of=date.fromisoformat(AS_OF), audit_key_file=scratch_audit_key(out.parent, os.environ))
    result = execute(request, beam_args)
    if result.exit_code != 0:
        raise RuntimeError(f"feedshield run failed: {result.message}")
    return result.manifest["counts"]["input_records"]


def feedshield_portable(records_path: Path, out: Path) -> int:
    """feedshield on the PortableRunner, its job server and worker pool processes of their own
    (`bench/portable.py`): this stage's process is the driver alone."""
    with portable_services(out.parent / f"{out.name}-services") as beam_args:
        return feedshield(records_path, out, beam_args)


def write_changed(records_path: Path, changed_path: Path, every: int = 100) -> int:
    """The same export with one record in `every` changed (a sentence added to its narrative, so the
    change goes through redaction): the next day's export of an ongoing feed."""
    changed = 0
    with records_path.open() as source, changed_path.open("w") as target:
        for i, line in enumerate(source):
            record = json.loads(line)
            if i % every == 0:
                record["narrative"] = (record.get("narrative") or "") + " Supplemental report filed."
                changed += 1
            target.write(json.dumps(record) + "\n")
    return changed


def feedshield_increment(records_path: Path, changed_path: Path, base: Path, out: Path, beam_args: list[str]):
    """`feedshield run --incremental` on the changed export, into a copy of the full run's feed folder
    (made here first, untimed, when the full run's stage did not run); only the increment is timed."""
    import shutil

    from ledger.audit_key import scratch_audit_key
    if not (base / "current").exists():
        feedshield(records_path, base, beam_args)
    shutil.copytree(base, out, symlinks=True)
    request = RunRequest(contract=str(CONTRACT), input=str(changed_path), output=str(out),
                         as_of=date.fromisoformat(AS_OF), audit_key_file=scratch_audit_key(base.parent, os.environ),
                         incremental=True)
    began = time.perf_counter()
    result = execute(request, beam_args)
    seconds = time.perf_counter() - began
    if result.exit_code != 0:
        raise RuntimeError(f"feedshield run --incremental failed: {result.message}")
    return result.manifest["counts"]["input_records"], seconds


def write_pairs(records_path: Path, pairs_path: Path) -> None:
    """Each record with the recipient's view of it, as the ledger stage receives them from the gate."""
    from redaction_rules.contract_loader import load_contract
    from redaction_rules.shaping import RecordShaper
    shaper = RecordShaper(load_contract(CONTRACT).contract, None)
    with records_path.open() as source, pairs_path.open("w") as target:
        for line in source:
            record = json.loads(line)
            target.write(json.dumps([record, shaper.shape(record)[0]]) + "\n")


def ledger_write(pairs_path: Path, out: Path) -> int:
    """The ledger's whole cost for one release: every disclosure described, then appended and committed."""
    from ledger.disclosure import Discloser
    from ledger.store import Ledger, default_url
    from pipelines.publish import Publisher
    from pipelines.releases import FeedFolder
    from redaction_rules.contract_loader import load_contract
    discloser = Discloser(b"bench-audit-key-0123456789", load_contract(CONTRACT).contract)
    with pairs_path.open() as source:
        disclosures = [discloser.describe(*json.loads(line)) for line in source]
    out.mkdir(parents=True)
    ledger = Ledger(default_url(out))
    publisher = Publisher(FeedFolder(out), ledger, "bench")
    entry = {"release": 1, "files": {}, "counts": {"published": len(disclosures)}}
    publisher.record_pending(1, entry, (("disclosure", d) for d in disclosures))
    publisher.commit(1)
    ledger.close()
    return len(disclosures)


def risk_gate(pairs_path: Path, beam_args: list[str]) -> int:
    """The gate's Beam steps alone over the recipient's view of every record, the researchers' gate."""
    from pipelines.assess_risk import AssessRisk
    from pipelines.elements import Redacted
    from redaction_rules.contract_loader import load_contract
    from redaction_rules.risk import model_for
    model = model_for(load_contract(CONTRACTS_DIR / "researchers.yaml").contract)
    with beam.Pipeline(options=beam_options(beam_args)) as p:
        gated = (p | "Read" >> beam.io.ReadFromText(str(pairs_path))
                 | "Elements" >> beam.Map(lambda line: Redacted((0, 0), {}, json.loads(line)[1], {}))
                 | "AssessRisk" >> AssessRisk(model))
        _ = ((gated["records"], gated["suppressed"]) | beam.Flatten() | beam.combiners.Count.Globally()
             | beam.Map(lambda n: (pairs_path.parent / "risk-count").write_text(str(n))))
    return int((pairs_path.parent / "risk-count").read_text())


def bench_size(size: int, seed: int, presidio_sample: int, work: Path, only: set[str] | None = None) -> dict:
    folder = work / str(size)
    records_path = folder / "records.jsonl"
    fixtures.write(size, seed, records_path)
    plain = folder / "no-narrative.jsonl"
    with records_path.open() as source, plain.open("w") as target:
        for line in source:
            target.write(json.dumps({**json.loads(line), "narrative": None}) + "\n")
    narratives = len(_narratives(records_path))
    in_process = ["--runner=FnApiRunner"]
    nypd_csv, nypd_parquet, pars = folder / "nypd.csv", folder / "nypd.parquet", folder / "pars.db"
    nypd, parquet_mapping = str(SOURCES_DIR / "nypd-arrests.yaml"), None
    wanted = lambda *names: only is None or bool(only & set(names))  # noqa: E731
    if wanted("read_csv_plain_beam", "read_csv_feedshield", "read_parquet_plain_beam", "read_parquet_feedshield"):
        formats.write_nypd_csv(size, nypd_csv)
        formats.write_nypd_parquet(nypd_csv, nypd_parquet)
        parquet_mapping = str(formats.nypd_parquet_mapping(folder))
    pars_url = formats.write_pars_sqlite(size, seed, pars) if wanted("read_sqlite_plain_beam", "read_sqlite_feedshield") else None
    if wanted("ledger_write", "risk_gate"):
        write_pairs(records_path, folder / "pairs.jsonl")
    if wanted("increment_1pct"):
        write_changed(records_path, folder / "changed.jsonl")
    plan = [  # (stage, records, work, args)
        ("passthrough", size, passthrough, (records_path, folder / "pass", in_process)),
        ("bare_ner_1p", narratives, bare_ner, (records_path, 1)),
        ("bare_ner_2p", narratives, bare_ner, (records_path, 2)),
        ("presidio_alone", presidio_sample, presidio_alone, (records_path, presidio_sample)),
        ("feedshield_1w", size, feedshield, (records_path, folder / "fs1", in_process)),
        ("feedshield_2w", size, feedshield, (records_path, folder / "fs2", in_process + TWO_WORKERS)),
        ("feedshield_portable", size, feedshield_portable, (records_path, folder / "fsp")),
        ("feedshield_no_narrative", size, feedshield, (plain, folder / "fs0", in_process)),
        ("read_csv_plain_beam", size, formats.plain_csv, (str(nypd_csv),)),
        ("read_csv_feedshield", size, formats.feedshield_read, (str(nypd_csv), nypd)),
        ("read_parquet_plain_beam", size, formats.plain_parquet, (str(nypd_parquet),)),
        ("read_parquet_feedshield", size, formats.feedshield_read, (str(nypd_parquet), parquet_mapping)),
        ("read_sqlite_plain_beam", size, formats.plain_sqlite, (pars_url,)),
        ("read_sqlite_feedshield", size, formats.feedshield_read, (pars_url, str(SOURCES_DIR / "pars-sql.yaml"))),
        ("ledger_write", size, ledger_write, (folder / "pairs.jsonl", folder / "ledger")),
        ("risk_gate", size, risk_gate, (folder / "pairs.jsonl", in_process)),
        ("increment_1pct", size, feedshield_increment,
         (records_path, folder / "changed.jsonl", folder / "fs1", folder / "inc", in_process)),
    ]
    stages = [timed(name, records, work, *args) for name, records, work, args in plan if wanted(name)]
    by = {s["stage"]: s for s in stages}
    ratio = lambda a, b, digits=3: round(by[a]["records_per_s"] / by[b]["records_per_s"], digits)  # noqa: E731
    pairs = {
        "feedshield_2w_over_presidio": ("feedshield_2w", "presidio_alone", 2),
        "feedshield_2w_over_bare_ner_2p": ("feedshield_2w", "bare_ner_2p", 3),
        "feedshield_1w_over_bare_ner_1p": ("feedshield_1w", "bare_ner_1p", 3),
        "feedshield_1w_over_passthrough": ("feedshield_1w", "passthrough", 3),
        "no_narrative_over_passthrough": ("feedshield_no_narrative", "passthrough", 3),
        **{f"read_{kind}_over_plain_beam": (f"read_{kind}_feedshield", f"read_{kind}_plain_beam", 3)
           for kind in ("csv", "parquet", "sqlite")},
        # time over time: the in-process run's rate over the ledger's is the ledger's share of the run
        "ledger_over_feedshield_1w": ("feedshield_1w", "ledger_write", 4),
        "risk_gate_over_feedshield_1w": ("feedshield_1w", "risk_gate", 4),
        "increment_1pct_over_feedshield_1w": ("feedshield_1w", "increment_1pct", 4),
    }
    ratios = {name: ratio(a, b, digits) for name, (a, b, digits) in pairs.items() if a in by and b in by}
    if {"feedshield_1w", "feedshield_2w", "bare_ner_1p", "bare_ner_2p"} <= set(by):
        ratios["feedshield_scaling_over_bare_ner_scaling"] = round(
            ratio("feedshield_2w", "feedshield_1w", 6) / ratio("bare_ner_2p", "bare_ner_1p", 6), 3)
    return {"size": size, "stages": stages, "ratios": ratios}


def render(results: list[dict]) -> str:
    lines = []
    for r in results:
        lines.append(f"== {r['size']} records")
        lines.append(f"  {'stage':<26}{'records':>9}{'seconds':>10}{'records/s':>12}{'peak MB':>10}{'procs':>7}")
        for s in r["stages"]:
            lines.append(f"  {s['stage']:<26}{s['records']:>9}{s['seconds']:>10}{s['records_per_s']:>12}"
                         f"{s['peak_rss_mb']:>10}{s['processes']:>7}")
        lines.append("  ratios (target):")
        for name, value in r["ratios"].items():
            target, ceiling = TARGETS.get(name), CEILINGS.get(name)
            verdict = ("" if target is None else f"  (>= {target}: {'met' if value >= target else 'NOT met'})") + (
                "" if ceiling is None else f"  (<= {ceiling}: {'met' if value <= ceiling else 'NOT met'})")
            lines.append(f"    {name:<34}{value:>8}{verdict}")
        if _pipeline_peak(r):  # --stages may leave the pipeline out
            lines.append(f"    peak MB in any feedshield process {_pipeline_peak(r):>8}  (<= {MEMORY_LIMIT_MB}: "
                         f"{'met' if _pipeline_peak(r) <= MEMORY_LIMIT_MB else 'NOT met'})")
    if len(results) > 1 and _pipeline_peak(results[0]) and _pipeline_peak(results[-1]):
        growth = _pipeline_peak(results[-1]) / _pipeline_peak(results[0]) - 1
        lines.append(f"memory growth {results[0]['size']} -> {results[-1]['size']}: {growth:+.1%} "
                     f"(within 10%: {'met' if abs(growth) <= 0.10 else 'NOT met'})")
        for label, growth in driver_growth(results).items():
            lines.append(f"{label} {results[0]['size']} -> {results[-1]['size']}: {growth:+.1%} "
                         f"(within 10%: {'met' if abs(growth) <= 0.10 else 'NOT met'})")
    return "\n".join(lines)


# the runs whose work is on workers, whose driver's cost must not grow with the input: on the PortableRunner
# the driver is feedshield's alone; with the local runner it also runs the job
DRIVER_STAGES = ("feedshield_portable", "feedshield_2w")


def driver_growth(results: list[dict]) -> dict[str, float]:
    """The driver's CPU time and peak memory, smallest size to largest, of each run on workers."""
    growth = {}
    for stage in DRIVER_STAGES:
        first, last = (next((s for s in r["stages"] if s["stage"] == stage), None) for r in (results[0], results[-1]))
        if first is not None and last is not None:
            growth |= {f"driver {label} growth ({stage})": last[key] / first[key] - 1
                       for label, key in (("peak memory", "driver_peak_mb"), ("CPU time", "driver_cpu_s"))
                       if first[key]}
    return growth


STAGE_NAMES = {
    "passthrough": "passthrough (Beam read, parse, drop a field, write)",
    "bare_ner_1p": "bare NER, 1 process", "bare_ner_2p": "bare NER, 2 processes",
    "presidio_alone": "Presidio alone (sample)",
    "feedshield_1w": "feedshield, in-process", "feedshield_2w": "feedshield, 2 workers",
    "feedshield_portable": "feedshield, PortableRunner (job server and worker pool apart from the driver)",
    "feedshield_no_narrative": "feedshield without narratives, in-process",
    "read_csv_plain_beam": "CSV, Beam's ReadFromText and a csv parse",
    "read_csv_feedshield": "CSV, feedshield's read, mapping and parse",
    "read_parquet_plain_beam": "Parquet, Beam's ReadFromParquet",
    "read_parquet_feedshield": "Parquet, feedshield's read, mapping and parse",
    "read_sqlite_plain_beam": "SQLite, a Beam DoFn selecting key ranges",
    "read_sqlite_feedshield": "SQLite, feedshield's read, mapping and parse",
    "ledger_write": "ledger: describe every disclosure, append to SQLite, commit",
    "risk_gate": "re-identification gate: classes, k, l, one generalization step (Beam)",
    "increment_1pct": "incremental run, 1% of records changed, over the full run's feed",
}


def _pipeline_peak(result: dict) -> float:
    """The peak memory of the pipeline's processes at one size; 0 where no pipeline stage ran."""
    return max((s["peak_rss_mb"] for s in result["stages"] if s["stage"].startswith(FEEDSHIELD_STAGES)), default=0)


def markdown(results: list[dict], command: str, machine: str, when: str) -> str:
    """The figures as the README shows them: one column a size, the targets beside the ratios."""
    sizes = [r["size"] for r in results]
    head = "| figure | target | " + " | ".join(f"{n:,}" for n in sizes) + " |"
    rule = "|---|---|" + "---|" * len(sizes)
    rows = []
    ran = {s["stage"] for s in results[0]["stages"]}
    for stage in (name for name in STAGE_NAMES if name in ran):
        cells = [next(s for s in r["stages"] if s["stage"] == stage)["records_per_s"] for r in results]
        rows.append(f"| {STAGE_NAMES[stage]} (records/s) | | " + " | ".join(f"{c:,}" for c in cells) + " |")
    for name in results[0]["ratios"]:
        target, ceiling = TARGETS.get(name), CEILINGS.get(name)
        bound = f"≥ {target}" if target is not None else f"≤ {ceiling}" if ceiling is not None else ""
        rows.append(f"| {name.replace('_', ' ')} | {bound} | "
                    + " | ".join(f"{r['ratios'][name]}" for r in results) + " |")
    peaks = [_pipeline_peak(r) for r in results]
    if all(peaks):
        rows.append(f"| peak MB, any feedshield process | ≤ {MEMORY_LIMIT_MB:,} | " + " | ".join(f"{p:,}" for p in peaks) + " |")
    if len(results) > 1 and all(peaks):
        rows.append(f"| peak memory growth, {sizes[0]:,} → {sizes[-1]:,} | ±10% | "
                    + " | " * (len(sizes) - 1) + f"{peaks[-1] / peaks[0] - 1:+.1%} |")
        for label, growth in driver_growth(results).items():
            rows.append(f"| {label}, {sizes[0]:,} → {sizes[-1]:,} | ±10% | " + " | " * (len(sizes) - 1) + f"{growth:+.1%} |")
    return (f"# Benchmark results\n\nWritten by `{command}` ({when}, {machine}). Ratios compare stages of "
            "this one run; records/s move with the machine's load from run to run.\n\n"
            + "\n".join([head, rule, *rows]) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--presidio-sample", dest="presidio_sample", type=int, default=200,
                        help="records Presidio alone runs on (it is slow); default 200")
    parser.add_argument("--stages", nargs="+", default=None, choices=list(STAGE_NAMES), metavar="STAGE",
                        help="run only these stages (default all); ratios whose two stages ran are printed")
    parser.add_argument("--json", default=None, help="where to write the figures (default bench/results/<time>.json)")
    parser.add_argument("--markdown", default=str(Path(__file__).resolve().parent / "RESULTS.md"),
                        help="where to write the table the README shows (default bench/RESULTS.md)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="feedshield-bench-") as tmp:
        results = [bench_size(size, args.seed, min(args.presidio_sample, size), Path(tmp),
                              set(args.stages) if args.stages else None) for size in args.sizes]
    text = render(results)
    print(text)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.json) if args.json else Path(__file__).resolve().parent / "results" / f"{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"when": stamp, "machine": platform.platform(), "python": platform.python_version(),
                               "seed": args.seed, "results": results}, indent=2) + "\n")
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    Path(args.markdown).write_text(markdown(results, command.strip(), f"{platform.machine()}, {multiprocessing.cpu_count()} cores",
                                            stamp))
    print(f"figures: {out}; table: {args.markdown}")
    return 0
