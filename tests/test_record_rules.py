"""Shaping, text redaction, verification, exclusions and parsing, without Beam."""
import copy
import json

import jsonschema
import pytest
from presidio_analyzer import RecognizerResult

import fixtures
from redaction_rules.record_parser import RecordParser
from redaction_rules.contract_loader import CONTRACTS_DIR, load_contract
from redaction_rules.exclusions import exclusion_rule
from redaction_rules.fields import record_schema
from redaction_rules.shaping import RecordShaper
from redaction_rules.text_redaction import TextRedactor
from redaction_rules.verification import VerificationGate

ICE = load_contract(CONTRACTS_DIR / "ice-pars-2009.yaml").contract
ICE_NB = load_contract(CONTRACTS_DIR / "ice-pars-2009-no-birthplace.yaml").contract
RESEARCH = load_contract(CONTRACTS_DIR / "researchers.yaml").contract
OPEN = load_contract(CONTRACTS_DIR / "open-data.yaml").contract


@pytest.fixture(scope="module")
def records():
    return [r for r, _ in fixtures.generate(200, seed=5)]


def test_shaping_keeps_only_visible_roles_and_allowed_fields(records):
    shaper = RecordShaper(ICE, None)
    for record in records:
        out, texts = shaper.shape(record)
        assert {p["role"] for p in out["persons"]} <= {"arrestee"}
        assert len(out["persons"]) == sum(p["role"] == "arrestee" for p in record["persons"])
        for p in out["persons"]:
            assert "immigration_status" not in p and "alien_number" not in p and "ssn" not in p
        assert "flags" not in out
        kept_ids = {p["person_id"] for p in out["persons"]}
        assert all(c["person_id"] in kept_ids for c in out["charges"])
        assert texts == [("narrative",)]


def test_schema_drift_never_leaves(records):
    drifted = copy.deepcopy(records[0])
    drifted["ice_case_number"] = "ICE-2018-0042"
    drifted["persons"][0]["country_of_origin"] = "Honduras"
    out, _ = RecordShaper(ICE, None).shape(drifted)
    assert "ice_case_number" not in out
    assert "country_of_origin" not in out["persons"][0]


def test_shaping_operators_for_researchers_and_open_data(records):
    record = next(r for r in records if r["persons"][0].get("photo_id") and r["persons"][0].get("address"))
    out, texts = RecordShaper(RESEARCH, b"k" * 32).shape(record)
    assert texts == []
    assert len(out["record_id"]) == 32 and out["record_id"] != record["record_id"]
    assert out["arrest_datetime"] == record["arrest_datetime"][:7]
    assert out["persons"][0]["dob"] in {"under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"}
    assert out["persons"][0]["address"]["zip"].endswith("XX")
    assert "name" not in out["persons"][0] and "narrative" not in out
    assert RecordShaper(RESEARCH, b"j" * 32).shape(record)[0]["record_id"] != out["record_id"]
    opened, _ = RecordShaper(OPEN, None).shape(record)
    assert set(opened) == {"arrest_datetime", "district", "incident_location", "persons", "charges"}
    assert opened["incident_location"] is None or " block of " in opened["incident_location"].lower()


def _result(entity, text, phrase, score=0.9, ordinal=None, detail=None):
    start = text.index(phrase)
    return RecognizerResult(entity, start, start + len(phrase), score,
                            recognition_metadata={"ordinal": ordinal, "detail": detail})


def test_text_redaction_priorities_and_operators():
    text = "Maria Lopez of 1234 N 5th St said Jose Lopez, born in Puebla, is undocumented. Call 215-555-0143."
    results = [
        _result("PERSON", text, "Maria Lopez", 0.85),
        _result("VICTIM", text, "Maria Lopez", 1.0, 1),
        _result("STREET_ADDRESS", text, "1234 N 5th St", 0.7),
        _result("PERSON", text, "Jose Lopez", 0.85),
        _result("KEPT", text, "Jose Lopez", 1.0),
        _result("PLACE_OF_BIRTH", text, "Puebla", 0.85),
        _result("IMMIGRATION_STATUS", text, "undocumented", 0.9),
        _result("PHONE_NUMBER", text, "215-555-0143", 0.75),
    ]
    out = TextRedactor(ICE).redact(text, results)
    assert out.text == ("<VICTIM_1> of 1200 block of N 5th St said Jose Lopez, born in Puebla, is <IMMIGRATION_STATUS>. "
                        "Call <PHONE_NUMBER>.")
    assert out.entities == {"VICTIM": 1, "STREET_ADDRESS": 1, "IMMIGRATION_STATUS": 1, "PHONE_NUMBER": 1}
    stripped = TextRedactor(ICE_NB).redact(text, results)
    assert "Puebla" not in stripped.text and "<PLACE_OF_BIRTH>" in stripped.text


def test_text_redaction_merges_overlaps_into_one_region():
    text = "Witness Tran Van Nguyen left."
    results = [_result("PERSON", text, "Tran Van", 0.85), _result("WITNESS", text, "Van Nguyen", 1.0, 2)]
    assert TextRedactor(ICE).redact(text, results).text == "Witness <WITNESS_2> left."


def test_low_scores_are_dropped_but_never_removed_people():
    text = "Comp Ana Ruiz saw 2155550143."
    results = [_result("PHONE_NUMBER", text, "2155550143", 0.1), _result("WITNESS", text, "Ana Ruiz", 0.1, 1)]
    assert TextRedactor(ICE).redact(text, results).text == "Comp <WITNESS_1> saw 2155550143."


def test_gate_passes_a_clean_record_and_names_leaks_without_values(records):
    gate = VerificationGate(ICE)
    shaper = RecordShaper(ICE, None)
    record = next(r for r in records if any(p["role"] == "victim" and p.get("phone") for p in r["persons"]))
    victim = next(p for p in record["persons"] if p["role"] == "victim" and p.get("phone"))
    out, _ = shaper.shape(record)
    out["narrative"] = "Nothing to see."
    assert gate.check(record, out) == []
    leaked = copy.deepcopy(out)
    digits = "".join(ch for ch in victim["phone"] if ch.isdigit())[-10:]
    leaked["narrative"] = f"Call {digits[:3]} {digits[3:6]} {digits[6:]} or {victim['name']['first'].upper()} {victim['name']['last'].upper()}."
    reasons = gate.check(record, leaked)
    index = record["persons"].index(victim)
    assert f"persons[{index}].phone of a removed victim found in narrative (by digits)" in reasons
    assert any(r.startswith(f"persons[{index}].name.") and "of a removed victim found in narrative" in r for r in reasons)
    assert not any(victim["name"]["last"].lower() in r.lower() or digits in r for r in reasons)


@pytest.mark.parametrize("written,leaked", [("Yıldız", "VICTIM YILDIZ CALLED"), ("İnce", "victim ince called"),
                                            ("Σωκράτης", "VICTIM ΣΩΚΡΆΤΗΣ"), ("Strauß", "victim STRAUß")])
def test_gate_finds_a_name_in_any_case_the_way_a_reader_would(records, written, leaked):
    """Turkish dotless ı is I in capitals, İ is i in lower case: what the whole-word
    match finds (re.IGNORECASE), the cheap tests before it must let through."""
    gate = VerificationGate(ICE)
    record = copy.deepcopy(next(r for r in records if any(p["role"] == "victim" for p in r["persons"])))
    index, victim = next((i, p) for i, p in enumerate(record["persons"]) if p["role"] == "victim")
    victim["name"]["last"] = written
    out, _ = RecordShaper(ICE, None).shape(record)
    out["narrative"] = leaked
    assert f"persons[{index}].name.last of a removed victim found in narrative" in gate.check(record, out)
    out["narrative"] = leaked.replace(" ", "x")  # the name inside a longer word
    assert not any(r.startswith(f"persons[{index}].name.last") for r in gate.check(record, out))


def test_case_folding_agrees_with_ignorecase_on_every_character():
    """The gate's cheap test compares folded text and its final match uses
    re.IGNORECASE: any two characters that match must fold alike, to one
    character, and letters that fold alike must match. The regular
    expression engine itself says which characters match each cased one."""
    import re
    from redaction_rules.case_folding import fold_case
    cased = [c for c in map(chr, range(0x110000)) if not 0xD800 <= ord(c) <= 0xDFFF
             and (c.lower() != c or c.upper() != c or c.casefold() != c)]
    every = "".join(cased)
    by_fold = {}
    for c in cased:
        by_fold.setdefault(fold_case(c), set()).add(c)
    unequal = []
    for c in cased:
        matches = set(re.findall(re.escape(c), every, re.I))
        if len(fold_case(c)) != 1 or any(fold_case(m) != fold_case(c) for m in matches):
            unequal.append(hex(ord(c)))
        elif c != "\u0130" and by_fold[fold_case(c)] - matches - {"\u0130"}:
            unequal.append(hex(ord(c)))  # folded together with a letter it does not match
    assert len(cased) > 2500 and unequal == []


@pytest.mark.parametrize("narrative,found", [("the king sang along", False), ("seen with NG.", True),
                                             ("the ng-family", True)])
def test_gate_matches_whole_words_only(records, narrative, found):
    gate = VerificationGate(ICE)
    record = copy.deepcopy(next(r for r in records if any(p["role"] == "victim" for p in r["persons"])))
    index, victim = next((i, p) for i, p in enumerate(record["persons"]) if p["role"] == "victim")
    victim["name"]["last"] = "Ng"
    out, _ = RecordShaper(ICE, None).shape(record)
    out["narrative"] = narrative
    reasons = gate.check(record, out)
    assert any(r.startswith(f"persons[{index}].name.last") for r in reasons) == found, reasons


def test_gate_checks_shape_and_stripped_categories(records):
    gate = VerificationGate(ICE_NB)
    record = next(r for r in records if r["persons"][0].get("place_of_birth") and r["persons"][0]["place_of_birth"].get("country") not in (None, "USA"))
    out, _ = RecordShaper(ICE_NB, None).shape(record)
    out["narrative"] = f"Born in {record['persons'][0]['place_of_birth']['country']}."
    out["persons"][0]["alien_number"] = "A000"
    reasons = gate.check(record, out)
    assert "persons[0].alien_number: field not allowed by the contract" in reasons
    assert any("place_of_birth.country (stripped category place_of_birth) found in narrative" in r for r in reasons)


def test_exclusions_built_in_and_contract_rules(records):
    base = next(r for r in records if not any(r["flags"].values()))
    assert exclusion_rule(base, ICE) is None
    for flag in ("juvenile", "sealed", "expunged"):
        assert exclusion_rule({**base, "flags": {flag: True}}, ICE) == flag
    minor = copy.deepcopy(base)
    minor["flags"] = None
    minor["persons"][0]["dob"] = f"{int(base['arrest_datetime'][:4]) - 15}-01-01"
    assert exclusion_rule(minor, ICE) == "juvenile"
    summary = {**base, "charges": [{"class": "summary"}, {"class": "summary"}]}
    assert exclusion_rule(summary, RESEARCH) == "summary-offences-only"
    assert exclusion_rule({**base, "charges": [{"class": "summary"}, {"class": "felony"}]}, RESEARCH) is None


def _without(record: dict, where: str) -> dict:
    changed = copy.deepcopy(record)
    if where == "dob":
        changed["persons"][0]["dob"] = None
    elif where == "arrest date":
        changed["arrest_datetime"] = None
    else:  # born after the arrest
        changed["persons"][0]["dob"] = f"{int(record['arrest_datetime'][:4]) + 1}-01-01"
    return changed


@pytest.mark.parametrize("where", ["dob", "arrest date", "born after the arrest"])
def test_an_arrestee_of_unknown_age_is_withheld_unless_declared_adult_or_waived(records, where):
    base = next(r for r in records if not any(r["flags"].values()) and r["persons"][0]["role"] == "arrestee")
    unknown = _without(base, where)
    for flags in (None, {}, {"juvenile": None}, {"sealed": False}):
        assert exclusion_rule({**unknown, "flags": flags}, ICE) == "age_unknown"
    assert exclusion_rule({**unknown, "flags": {"juvenile": False}}, ICE) is None
    assert exclusion_rule({**unknown, "flags": None}, ICE.model_copy(update={"allow_unknown_age": True})) is None
    assert exclusion_rule({**unknown, "flags": {"juvenile": True}}, ICE) == "juvenile"


@pytest.mark.parametrize("raw,reason", [
    (b"\xff\xfe", "not UTF-8"),
    (b"{not json", "not JSON (column 2)"),
    (b"[1, 2]", "not a JSON object"),
    (b'{"persons": []}', "record: missing record_id"),
    (b'{"record_id": "R1", "persons": [{"role": "victim", "phone": 2155550143}]}', "persons[0].phone: not a string or null"),
    (b'{"record_id": "R1", "persons": [{"role": "suspect"}]}', "persons[0].role: not one of the allowed values"),
])
def test_parse_reasons_never_quote_values(raw, reason):
    record, why = RecordParser(record_schema()).parse(raw)
    assert record is None and why == reason
    assert "2155550143" not in why and "suspect" not in why


def test_parse_accepts_generated_records(records):
    assert RecordParser(record_schema()).parse(json.dumps(records[0]).encode()) == (records[0], None)


def test_compiled_schema_agrees_with_the_reference_validator(records):
    """fastjsonschema (the pipeline's) and jsonschema (the spec's reference) accept the same records."""
    reference = jsonschema.Draft202012Validator(record_schema())
    parser = RecordParser(record_schema())
    mutations = [lambda r: r.pop("record_id"), lambda r: r.update(persons={}),
                 lambda r: r["persons"][0].update(role="suspect"), lambda r: r["persons"][0].update(dob=19850302),
                 lambda r: r.update(charges=[{"class": "violation"}]), lambda r: r.update(flags={"sealed": "yes"}),
                 lambda r: r.update(record_id=""), lambda r: r["persons"][0].update(aliases=[1]),
                 lambda r: r.update(extra_field="allowed by the spec"), lambda r: r["persons"][0].pop("name")]
    for i, record in enumerate(records[:60]):
        mutated = copy.deepcopy(record)
        mutations[i % len(mutations)](mutated)
        ok_reference = reference.is_valid(mutated)
        ok_compiled = parser.parse(json.dumps(mutated).encode())[0] is not None
        assert ok_reference == ok_compiled, i % len(mutations)


def test_ner_spill_over_a_kept_name_redacts_only_the_rest():
    text = "Police went to Quorvane Works. Diego Laboy was arrested."
    results = [_result("ORGANIZATION", text, "Quorvane Works. Diego Laboy", 0.85), _result("KEPT", text, "Diego Laboy", 1.0)]
    assert TextRedactor(ICE).redact(text, results).text == "Police went to <ORGANIZATION>. Diego Laboy was arrested."
    # and when the rest is one of the city's streets, nothing is left to redact
    text = "Police went to Wharton St. Diego Laboy was arrested."
    results = [_result("ORGANIZATION", text, "Wharton St. Diego Laboy", 0.85), _result("KEPT", text, "Diego Laboy", 1.0)]
    assert TextRedactor(ICE).redact(text, results).text == text


@pytest.mark.parametrize("text,place,guess,entity", [
    ("She moved from Los Angeles to San Leandro last year.", "San Leandro", "Leandro", "PERSON"),
    ("He said Jackson Heights was quiet.", "Jackson Heights", "Jackson Heights", "PERSON"),
    ("They lived in Santa Rosa.", "Santa Rosa", "Santa Rosa.", "PERSON"),
    ("Flew to Port-au-Prince on Monday.", "Port-au-Prince", "Prince", "ORGANIZATION"),
    ("MOVED TO FORT WORTH IN MAY.", "FORT WORTH", "WORTH", "PERSON"),
])
def test_a_known_place_of_several_words_is_never_half_a_name(text, place, guess, entity):
    results = [_result("LOCATION", text, place, 0.85), _result(entity, text, guess, 0.6)]
    assert TextRedactor(ICE).redact(text, results).text == text


def test_a_removed_person_inside_a_place_is_still_removed_and_a_name_beside_one_still_goes():
    text = "Victim Santa Rosa Diaz lives near San Diego; Rosa Parks lives in Santa Rosa."
    results = [_result("VICTIM", text, "Santa Rosa Diaz", 1.0), _result("LOCATION", text, "San Diego", 0.85),
               _result("LOCATION", text, "Santa Rosa", 0.85), _result("PERSON", text, "Rosa Parks", 0.85)]
    redacted = TextRedactor(ICE).redact(text, results).text
    assert redacted == "Victim <VICTIM_1> lives near San Diego; <PERSON> lives in Santa Rosa."


def test_a_one_word_place_does_not_excuse_a_name():
    text = "Jackson said he was scared."
    results = [_result("LOCATION", text, "Jackson", 0.6), _result("PERSON", text, "Jackson", 0.85)]
    assert TextRedactor(ICE).redact(text, results).text == "<PERSON> said he was scared."


@pytest.mark.parametrize("text,guesses", [
    ("Deft fled on Lehigh toward Fishtown.", [("PERSON", "Lehigh"), ("PERSON", "Fishtown")]),
    ("Police searched the Roosevelt Mall.", [("PERSON", "Roosevelt Mall")]),
    ("He ran east on W Lehigh Ave.", [("ORGANIZATION", "W Lehigh Ave")]),
    ("Deft was at the corner of Snyder and Broad.", [("PERSON", "Snyder"), ("ORGANIZATION", "Broad")]),
])
def test_the_citys_own_places_are_no_names_or_organizations(text, guesses):
    results = [_result(entity, text, guess, 0.85) for entity, guess in guesses]
    assert TextRedactor(ICE).redact(text, results).text == text


def test_a_city_place_that_is_a_name_stays_a_name_where_the_text_does_not_place_it():
    text = "Snyder said he saw it on Snyder Ave."
    results = [_result("PERSON", text, "Snyder", 0.85)]
    assert TextRedactor(ICE).redact(text, results).text == "<PERSON> said he saw it on Snyder Ave."
    removed = [_result("VICTIM", "Victim Hunting Park", "Hunting Park", 1.0)]
    assert TextRedactor(ICE).redact("Victim Hunting Park", removed).text == "Victim <VICTIM_1>"
    # a contract without the city's list keeps nothing of it
    assert TextRedactor(OPEN).city_places is None


@pytest.mark.parametrize("vehicle", ["2016 Kia", "Honda Civic", "CHEVY IMPALA", "'09 Toyota Camry", "Mercedes-Benz"])
def test_a_vehicle_is_no_organization(vehicle):
    text = f"The deft fled in a grey {vehicle}, plate withheld."
    results = [_result("ORGANIZATION", text, vehicle, 0.85)]
    assert TextRedactor(ICE).redact(text, results).text == text


def test_a_name_that_is_also_a_make_stays_a_name():
    text = "Witness Ford said the Kia was grey."
    results = [_result("PERSON", text, "Ford", 0.85), _result("ORGANIZATION", text, "Kia", 0.85)]
    assert TextRedactor(ICE).redact(text, results).text == "Witness <PERSON> said the Kia was grey."


@pytest.mark.parametrize("name", ["Mercedes Garcia", "Lincoln Jones", "Ford Williams"])
def test_a_name_that_begins_with_a_make_filed_as_an_organization_is_still_redacted(name):
    text = f"The complainant said {name} threatened her."
    results = [_result("ORGANIZATION", text, name, 0.85)]
    assert TextRedactor(ICE).redact(text, results).text == "The complainant said <ORGANIZATION> threatened her."
