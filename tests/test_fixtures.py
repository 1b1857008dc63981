import json
import re
from collections import Counter

import jsonschema
import pytest

import fixtures
from fixtures import vocabulary as V
from pipelines.cli import main
from tests.conftest import REPO, SHARED


def _value_at(record, path):
    value = record
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        value = value[int(part[1:-1])] if part.startswith("[") else value[part]
    return value


def test_every_record_validates_against_the_spec_schema(sample_1000, record_schema):
    validator = jsonschema.Draft202012Validator(record_schema)
    for record, _ in sample_1000:
        errors = list(validator.iter_errors(record))
        assert not errors, (record["record_id"], errors[0].message)


def test_packaged_schema_is_the_shared_spec():
    shared = SHARED / "spec" / "arrest-record.schema.json"
    if not shared.exists():
        pytest.skip("shared/ not beside the checkout")
    assert json.loads(shared.read_text()) == json.loads((REPO / "redaction_rules" / "arrest-record.schema.json").read_text())


def test_same_seed_same_records_other_seed_other_records():
    a = list(fixtures.generate(50, seed=3))
    b = list(fixtures.generate(50, seed=3))
    c = list(fixtures.generate(50, seed=4))
    assert a == b
    assert [r for r, _ in a] != [r for r, _ in c]


def test_every_label_is_exactly_the_text_at_its_place(sample_1000):
    checked = 0
    for record, labels in sample_1000:
        assert labels["record_id"] == record["record_id"]
        for label in labels["labels"]:
            if label["path"] == "narrative":
                assert record["narrative"][label["start"]:label["end"]] == label["text"]
            else:
                assert _value_at(record, label["path"]) == label["text"]
            checked += 1
    assert checked > 20_000


def test_every_category_and_role_is_present(sample_1000):
    in_fields, in_text, roles = Counter(), Counter(), Counter()
    sensitive_by_role = Counter()
    for record, labels in sample_1000:
        for person in record["persons"]:
            roles[person["role"]] += 1
        for label in labels["labels"]:
            (in_text if label["path"] == "narrative" else in_fields)[label["category"]] += 1
            if label["category"] in ("immigration_status", "place_of_birth"):
                sensitive_by_role[(label["role"], label["category"])] += 1
    assert set(roles) == set(fixtures.ROLES)
    assert set(in_fields) == set(fixtures.CATEGORIES)
    for category in ("person_name", "alias", "phone", "email", "address",
                     "place_of_birth", "nationality", "immigration_status"):
        assert in_text[category] > 0, category
    for role in ("arrestee", "victim", "witness"):
        for category in ("immigration_status", "place_of_birth"):
            assert sensitive_by_role[(role, category)] > 0, (role, category)


def test_records_look_like_a_city_export(sample_1000):
    records = [r for r, _ in sample_1000]
    narratives = [r["narrative"] for r in records]
    phones = [p["phone"] for r in records for p in r["persons"] if p["phone"]]
    for shape in (r"^\d{3}-\d{3}-\d{4}$", r"^\(\d{3}\) \d{3}-\d{4}$", r"^\d{3}\.\d{3}\.\d{4}$",
                  r"^\d{10}$", r"^\+1 \d{3} \d{3} \d{4}$"):
        assert any(re.match(shape, p) for p in phones), shape
    caps = [n for n in narratives if n == n.upper()]
    assert 0.1 < len(caps) / len(records) < 0.35
    assert any(re.search(r"\bDEFT\b", n) for n in caps)
    assert any(re.search(r"\(\w/[MF]/\d+\)", n) for n in caps)
    assert any(re.search(r"\d+00 block of", r["incident_location"] or "", re.I) for r in records)
    assert any(re.search(r"\b(Ms|Mr|Mrs)\. ", n, re.I) for n in narratives)
    assert any(re.search(r"A# ?\d{3}-\d{3}-\d{3}", n) for n in narratives)
    for r in records:
        assert re.fullmatch(r"\d{10}", r["dc_number"])
        assert re.fullmatch(r"[A-Z] \d{6}-\d", r["otn"])
        assert r["district"] in V.DISTRICTS
        assert {c["class"] for c in r["charges"]} <= {"felony", "misdemeanor", "summary"}
        assert sum(p["role"] == "arrestee" for p in r["persons"]) in (1, 2, 3, 4)
        assert sum(p["role"] == "victim" for p in r["persons"]) <= 3
        assert sum(p["role"] == "witness" for p in r["persons"]) <= 3
    shared_surname = sum(
        any(p["role"] == "victim" and p["name"]["last"] == a["name"]["last"]
            for p in r["persons"] for a in r["persons"] if a["role"] == "arrestee")
        for r in records)
    assert shared_surname > 20
    for flag in ("juvenile", "sealed", "expunged"):
        share = sum(r["flags"][flag] for r in records) / len(records)
        assert 0 < share < 0.06, flag
    origins = {p["place_of_birth"]["country"] for r in records for p in r["persons"] if p["place_of_birth"]}
    assert {"Mexico", "Vietnam", "China", "Haiti", "Nigeria", "Ireland", "Italy", "Brazil", "Russia", "Syria"} <= origins


def test_cli_writes_records_and_labels(tmp_path):
    out, labels = tmp_path / "r.jsonl", tmp_path / "l.jsonl"
    assert main(["fixtures", "--count", "25", "--seed", "5", "--out", str(out), "--labels", str(labels)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 25
    assert [json.loads(line)["record_id"] for line in labels.read_text().splitlines()] == [r["record_id"] for r in records]
    assert records == [r for r, _ in fixtures.generate(25, seed=5)]


def test_shipped_sample_is_what_the_generator_makes():
    sample = (REPO / "fixtures" / "data" / "sample.jsonl").read_text().splitlines()
    assert len(sample) == 200
    assert [json.loads(line) for line in sample[:20]] == [r for r, _ in fixtures.generate(20, seed=7)]


def test_ci_runs_the_readme_commands():
    readme = (REPO / "README.md").read_text().split("```")[1].strip().splitlines()
    ci = (REPO / ".ci" / "run").read_text()
    assert len(readme) == 2
    for command in readme:
        assert command in ci
