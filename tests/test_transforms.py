"""Each stage as a Beam transform, with TestPipeline and assert_that."""
import json

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to, is_not_empty

import fixtures
from pipelines.apply_contract import ApplyContract
from pipelines.elements import Line, Parsed, Redacted, Shaped
from pipelines.exclude import ExcludeRecords
from pipelines.parse import ParseRecords
from pipelines.redact import RedactFreeText
from pipelines.verify import VerifyRecords
from redaction_rules.contract_loader import CONTRACTS_DIR, load_contract
from redaction_rules.engine import load_engine_config
from redaction_rules.fields import record_schema

ICE = load_contract(CONTRACTS_DIR / "ice-pars-2009.yaml").contract


def pipeline():
    return TestPipeline(options=PipelineOptions(["--runner=FnApiRunner"]))


@pytest.fixture(scope="module")
def records():
    return [r for r, _ in fixtures.generate(40, seed=9)]


def test_parse_splits_records_from_dead_letters(records):
    lines = [Line((0, i + 1), json.dumps(r).encode()) for i, r in enumerate(records[:3])]
    lines.append(Line((0, 4), b"{broken"))
    lines.append(Line((0, 5), b'{"record_id": "X", "persons": "nobody"}'))
    with pipeline() as p:
        parsed = p | beam.Create(lines) | ParseRecords(record_schema(), ["line {} of file export.jsonl"])
        assert_that(parsed.records | beam.Map(lambda e: e.record["record_id"]),
                    equal_to([r["record_id"] for r in records[:3]]), label="records")
        assert_that(parsed.dead_letter | beam.Map(lambda e: e.reason),
                    equal_to(["line 4 of file export.jsonl: not JSON (column 2)",
                              "line 5 of file export.jsonl: persons: not an array"]), label="dead")


def test_exclusions_are_named(records):
    flagged = [dict(records[0], flags={"sealed": True}), dict(records[1], flags={"expunged": True}), records[2]]
    with pipeline() as p:
        kept = p | beam.Create([Parsed((0, i), r) for i, r in enumerate(flagged)]) | ExcludeRecords(ICE)
        assert_that(kept.excluded | beam.Map(lambda e: (e.src, e.rule)),
                    equal_to([((0, 0), "sealed"), ((0, 1), "expunged")]), label="excluded")
        assert_that(kept.records | beam.Map(lambda e: e.src), equal_to([(0, 2)]), label="kept")


def test_apply_contract_keeps_arrestees_only(records):
    with pipeline() as p:
        shaped = p | beam.Create([Parsed((0, i), r) for i, r in enumerate(records)]) | ApplyContract(ICE, None)
        roles = shaped.records | beam.FlatMap(lambda e: [q["role"] for q in e.output["persons"]]) | beam.Distinct()
        assert_that(roles, equal_to(["arrestee"]), label="roles")
        assert_that(shaped.quarantine, equal_to([]), label="nothing quarantined")


def test_redact_then_verify_publishes_clean_records(records):
    engine = load_engine_config().model_copy(update={"batch_size": 8})
    elements = [Parsed((0, i), r) for i, r in enumerate(records)]
    removed_names = {(i, p["name"]["first"]) for i, r in enumerate(records) for p in r["persons"]
                     if p["role"] != "arrestee" and len(p["name"]["first"]) > 3}

    def leaks(element):
        text = element.output["narrative"].lower()
        i = element.src[1]
        return [name for j, name in removed_names if j == i and f" {name.lower()} " in f" {text} "]

    with pipeline() as p:
        shaped = p | beam.Create(elements) | ApplyContract(ICE, None)
        redacted = shaped.records | RedactFreeText(ICE, engine)
        verified = redacted.records | VerifyRecords(ICE)
        assert_that(verified.records | beam.FlatMap(leaks), equal_to([]), label="no removed first names")
        assert_that(verified.records, is_not_empty(), label="published")
        assert_that(verified.quarantine, equal_to([]), label="nothing quarantined")
        assert_that(redacted.records | beam.Map(lambda e: "<VICTIM_1>" in e.output["narrative"]) | beam.Filter(bool),
                    is_not_empty(), label="victims replaced")


def test_gate_quarantines_a_leak(records):
    record = next(r for r in records if any(p["role"] == "victim" for p in r["persons"]))
    victim = next(p for p in record["persons"] if p["role"] == "victim")

    def leak(element: Shaped) -> Redacted:
        output = {**element.output, "narrative": f"{victim['name']['first']} {victim['name']['last']} was there."}
        return Redacted(element.src, element.record, output, {})

    with pipeline() as p:
        shaped = p | beam.Create([Parsed((0, 1), record)]) | ApplyContract(ICE, None)
        verified = shaped.records | beam.Map(leak) | VerifyRecords(ICE)
        assert_that(verified.records, equal_to([]), label="nothing published")
        assert_that(verified.quarantine | beam.Map(lambda q: (q.stage, len(q.reasons) > 0)),
                    equal_to([("verify", True)]), label="quarantined")


def test_a_text_that_cannot_be_redacted_quarantines_its_record_alone(records):
    """The batch is retried record by record; the inputs are never changed in place."""
    from pipelines.redact import RedactDoFn
    from redaction_rules.shaping import RecordShaper

    shaper = RecordShaper(ICE, None)
    batch = []
    for i, record in enumerate(records[:4]):
        output, texts = shaper.shape(record)
        if i == 2:
            output["narrative"] = "BOOM " + output["narrative"]
        batch.append(Shaped((0, i), record, output, tuple(texts)))
    originals = [e.output["narrative"] for e in batch]
    redact = RedactDoFn(ICE, load_engine_config())
    redact.setup()
    text_redactor = redact.redactor.text_redactor
    real = text_redactor.redact
    text_redactor.redact = lambda text, results: real(text, results) if "BOOM" not in text else 1 / 0

    out = list(redact.process(batch))
    published = [e for e in out if not isinstance(e, beam.pvalue.TaggedOutput)]
    withheld = [e.value for e in out if isinstance(e, beam.pvalue.TaggedOutput)]
    assert [e.src for e in published] == [(0, 0), (0, 1), (0, 3)]
    assert [(q.src, q.reasons) for q in withheld] == [((0, 2), ["text redaction failed: ZeroDivisionError"])]
    assert [e.output["narrative"] for e in batch] == originals
    assert all(e.output["narrative"] != originals[e.src[1]] for e in published)
