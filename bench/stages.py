"""Where a record's time goes: each step of feedshield's per-record path, timed alone.

`python -m bench` says how fast the whole pipeline is; this says why. On
seeded fixture records, in one process and after every engine is built, it
times the steps a record takes through the pipeline's own DoFns (shaping,
text redaction, the verification gate) and, inside text redaction, the
spaCy model alone (the baseline the shares are given against), Presidio's
NLP artifacts and each recognizer on its own. Beam's own costs (start-up,
bundles, serialisation) are what `python -m bench` adds on top.

    python -m bench.stages [--count 1500] [--seed 4242]
"""
import argparse
import logging

import fixtures
from bench.run import clocked
from redaction_rules.contract_loader import CONTRACTS_DIR, load_contract
from redaction_rules.engine import load_engine_config
from redaction_rules.record_redactor import RecordRedactor
from redaction_rules.shaping import RecordShaper, get_at
from redaction_rules.verification import VerificationGate

CONTRACT = CONTRACTS_DIR / "ice-pars-2009.yaml"


def measure(count: int, seed: int, batch_size: int = 64) -> list[tuple[str, float]]:
    """(step, seconds) for `count` records; recognizers are indented under the analyzer."""
    contract = load_contract(CONTRACT).contract
    shaper, redactor, gate = RecordShaper(contract, None), RecordRedactor(contract, load_engine_config()), \
        VerificationGate(contract)
    records = [record for record, _ in fixtures.generate(count, seed)]
    steps = []

    shaped, seconds = clocked(lambda: [(r, *shaper.shape(r)) for r in records])
    steps.append(("shape (contract, operators)", seconds))
    texts = [get_at(output, loc) for _, output, locs in shaped for loc in locs]

    engine = redactor.engine
    nlp = engine.nlp_engine.nlp[engine.config.language]
    _, seconds = clocked(lambda: list(nlp.pipe(texts, batch_size=batch_size)))
    steps.append(("spaCy NER alone (baseline)", seconds))
    artifacts, seconds = clocked(lambda: list(engine.nlp_engine.process_batch(texts, engine.config.language,
                                                                              batch_size=batch_size)))
    steps.append(("NER with Presidio's artifacts", seconds))
    for recognizer in engine.analyzer.registry.recognizers:
        entities = recognizer.supported_entities
        for t, a in artifacts:  # untimed: what a worker does once (compiling patterns, loading metadata)
            recognizer.analyze(t, entities, a)
        _, seconds = clocked(lambda: [recognizer.analyze(t, entities, a) for t, a in artifacts])
        steps.append((f"  {recognizer.name}", seconds))
    _, seconds = clocked(lambda: list(engine.analyze_batch(texts)))
    steps.append(("analyzer: NER, recognizers, passes", seconds))

    redacted, seconds = clocked(lambda: [out for i in range(0, len(shaped), batch_size)
                                        for out in redactor.redact(shaped[i:i + batch_size])])
    steps.append(("text redaction stage (analyzer included)", seconds))
    _, seconds = clocked(lambda: [gate.check(r, out.output) for (r, _, _), out in zip(shaped, redacted)])
    steps.append(("verification gate", seconds))
    return steps


def report(steps: list[tuple[str, float]], count: int) -> str:
    baseline = dict(steps)["spaCy NER alone (baseline)"]
    lines = [f"{count} records; ms a record, and the share of the spaCy model's own time",
             f"  {'step':44s} {'ms/record':>10s} {'of NER':>8s}"]
    lines += [f"  {name:44s} {seconds / count * 1e3:10.3f} {seconds / baseline:8.2f}" for name, seconds in steps]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=4242)
    args = parser.parse_args(argv)
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    print(report(measure(args.count, args.seed), args.count))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
