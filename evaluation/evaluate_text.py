"""`feedshield evaluate-text`: the text redaction alone, on a span-labelled set.

Two scores: characters (below), and person mentions of which no word is
left, by the kinds of mention that make names hard (`person_mentions`).

Scores at the character level, which is what matters for redaction: a
labelled character is recalled when any redaction covers it (whatever type
it is given), and a redacted character is precise when it lies in any
labelled span. Feedshield's engine and Presidio's default analyzer run on
the same texts with the same spaCy model in one process, so the figures
compare like with like. Presidio's default registry is used as it ships,
except that its email recognizer is swapped for the offline one (the
default one would try to download the public suffix list).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines import exit_codes
from evaluation.person_mentions import removed_mentions, render as render_mentions

if TYPE_CHECKING:
    from redaction_rules.engine import Engine

FOCUS = ("PERSON", "STREET_ADDRESS", "PHONE_NUMBER", "NRP", "GPE")


def load_dataset(path: Path, limit: int | None = None) -> list[tuple[str, list[tuple[int, int, str]]]]:
    items = []
    for row in json.loads(path.read_text(encoding="utf-8"))[:limit]:
        spans = [(s["start_position"], s["end_position"], s["entity_type"]) for s in row.get("spans") or []]
        items.append((row["full_text"], spans))
    return items


def char_scores(items, predictions) -> dict:
    """Per type recall, overall recall and precision, from (start, end) predictions per text."""
    gold_by_type, hit_by_type = defaultdict(int), defaultdict(int)
    predicted = precise = gold_all = hit_all = 0
    for (text, spans), predicted_spans in zip(items, predictions):
        redacted = bytearray(len(text))
        for start, end in predicted_spans:
            redacted[start:end] = b"\x01" * (end - start)
        labelled = bytearray(len(text))
        for start, end, entity in spans:
            labelled[start:end] = b"\x01" * (end - start)
            chars = [i for i in range(start, end) if not text[i].isspace()]
            gold_by_type[entity] += len(chars)
            hit_by_type[entity] += sum(redacted[i] for i in chars)
        content = [i for i in range(len(text)) if not text[i].isspace()]
        gold_all += sum(labelled[i] for i in content)
        hit_all += sum(labelled[i] and redacted[i] for i in content)
        predicted += sum(redacted[i] for i in content)
        precise += sum(redacted[i] and labelled[i] for i in content)
    return {"recall": {t: hit_by_type[t] / gold_by_type[t] for t in sorted(gold_by_type)},
            "recall_overall": hit_all / gold_all if gold_all else 1.0,
            "precision": precise / predicted if predicted else 1.0}


def feedshield_predictions(engine: Engine, texts: list[str], threshold: float):
    return [[(r.start, r.end) for r in results if r.score >= threshold]
            for results in engine.analyze_batch(texts)]


def presidio_default(model: str):
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from redaction_rules.recognizers import OfflineEmailRecognizer
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]})
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    analyzer.registry.remove_recognizer("EmailRecognizer")
    analyzer.registry.add_recognizer(OfflineEmailRecognizer())
    return analyzer


def presidio_predictions(analyzer, texts: list[str]):
    return [[(r.start, r.end) for r in analyzer.analyze(text, language="en")] for text in texts]


def render(scores: dict[str, dict], counts: dict[str, int]) -> str:
    names = list(scores)
    types = sorted({t for s in scores.values() for t in s["recall"]}, key=lambda t: (t not in FOCUS, t))
    lines = [f"{'character recall':<22}" + "".join(f"{n:>14}" for n in names) + f"{'chars':>9}"]
    for t in types:
        mark = "*" if t in FOCUS else " "
        lines.append(f"{mark} {t:<20}" + "".join(f"{scores[n]['recall'].get(t, 0):>14.3f}" for n in names)
                     + f"{counts.get(t, 0):>9}")
    lines.append(f"  {'all labelled':<20}" + "".join(f"{scores[n]['recall_overall']:>14.3f}" for n in names))
    lines.append(f"  {'precision':<20}" + "".join(f"{scores[n]['precision']:>14.3f}" for n in names))
    lines.append("(* the types the quality targets name)")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", required=True, help="presidio-research format: full_text, spans[]")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N texts")
    parser.add_argument("--spacy-model", dest="spacy_model", default=None)
    parser.add_argument("--engine-config", dest="engine_config", default=None)
    parser.add_argument("--score-threshold", dest="threshold", type=float, default=0.4)
    parser.add_argument("--no-presidio", dest="presidio", action="store_false",
                        help="score feedshield only")


def command(args: argparse.Namespace, _beam_args: list[str]) -> int:
    from redaction_rules.engine import Engine, ModelUnavailable, check_model, load_engine_config
    config = load_engine_config(args.engine_config).with_model(args.spacy_model)
    try:
        check_model(config)
    except ModelUnavailable as exc:
        print(f"feedshield evaluate-text: {exc}", file=sys.stderr)
        return exit_codes.MODEL
    items = load_dataset(Path(args.dataset), args.limit)
    texts = [t for t, _ in items]
    counts = defaultdict(int)
    for text, spans in items:
        for start, end, entity in spans:
            counts[entity] += sum(not c.isspace() for c in text[start:end])
    scores, mentions, seconds = {}, {}, {}
    began = time.perf_counter()
    predicted = feedshield_predictions(Engine(config), texts, args.threshold)
    scores["feedshield"], mentions["feedshield"] = char_scores(items, predicted), removed_mentions(items, predicted)
    seconds["feedshield"] = time.perf_counter() - began
    if args.presidio:
        began = time.perf_counter()
        predicted = presidio_predictions(presidio_default(config.spacy_model), texts)
        scores["presidio"], mentions["presidio"] = char_scores(items, predicted), removed_mentions(items, predicted)
        seconds["presidio"] = time.perf_counter() - began
    print(f"{len(items)} texts, spaCy model {config.spacy_model}, feedshield threshold {args.threshold}")
    print(render(scores, counts))
    if any(m.get("all") for m in mentions.values()):
        print()
        print(render_mentions(mentions))
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    return exit_codes.OK
