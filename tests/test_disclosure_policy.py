"""One rule for what of a removed person may stand in free text, and both checks following it."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import exit_codes
from pipelines.cli import main
from redaction_rules.contract import ROLE_ENTITIES
from redaction_rules.contract_loader import CONTRACTS_DIR, load_contract
from redaction_rules.disclosure_policy import excused_in_text, places_to_remove
from redaction_rules.recognizers import RecordContextRecognizer
from redaction_rules.shaping import RecordShaper
from redaction_rules.verification import VerificationGate
from tests.run_folders import feed_dir, read_manifest

REPO = Path(__file__).resolve().parent.parent
ICE_NB = load_contract(CONTRACTS_DIR / "ice-pars-2009-no-birthplace.yaml").contract


@pytest.mark.parametrize("path,value,excused", [
    ("persons.address.city", "Los Angeles", True), ("persons.address.city", "PHILADELPHIA", True),
    ("persons.address.city", "Fort Worth", True), ("persons.address.state", "Pennsylvania", True),
    ("persons.address.state", "PA", True), ("persons.address.city", "Kutztown", False),
    ("persons.address.city", "Compton", False), ("persons.address.city", "San Leandro", False),
    ("persons.address.city", "Los Angelos", False),  # misspelt: not found, so not excused
    ("persons.race", "Black", True), ("persons.sex", "Female", True), ("persons.ethnicity", "Hispanic", True),
    ("persons.name.last", "Black", False), ("persons.place_of_birth.city", "Los Angeles", False),
    ("persons.citizenship", "Mexico", False), ("persons.address.line1", "Los Angeles", False),
])
def test_the_rule(path, value, excused):
    assert excused_in_text(path, value) is excused


def test_the_modules_import_in_any_order():
    for module in ("redaction_rules.disclosure_policy", "redaction_rules.verification"):
        done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=REPO, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-500:]


def _record(city: str, state: str = "CA") -> dict:
    return {
        "record_id": "R-1", "arrest_datetime": "2018-03-04T10:20:00", "district": "24",
        "persons": [
            {"person_id": "P1", "role": "arrestee", "name": {"first": "Dana", "last": "Kowalczyk"}, "dob": "1980-05-06",
             "sex": "Male", "race": "White", "address": {"line1": "10 Harbor Rd", "city": "Philadelphia", "state": "PA"}},
            {"person_id": "P2", "role": "victim", "name": {"first": "Ilse", "last": "Marrowby"}, "dob": "1975-01-02",
             "sex": "Female", "race": "Black", "ethnicity": "Hispanic",
             "address": {"line1": "4100 Quorvane St", "city": city, "state": state, "zip": "90220"}},
        ],
        "charges": [{"person_id": "P1", "sequence": 1, "description": "Simple assault", "class": "misdemeanor"}],
        "flags": {"juvenile": False, "sealed": False, "expunged": False},
    }


@pytest.mark.parametrize("city,quarantined", [("Los Angeles", False), ("Kutztown", True)])
def test_the_gate_excuses_only_what_the_rule_does(city, quarantined):
    record = _record(city)
    out, _ = RecordShaper(ICE_NB, None).shape(record)
    out["narrative"] = f"The deft, a white male, drove from {city} with a Black female passenger, a Hispanic woman."
    reasons = VerificationGate(ICE_NB).check(record, out)
    assert bool(reasons) is quarantined, reasons
    if quarantined:
        assert reasons == ["persons[1].address.city of a removed victim found in narrative"]


def test_an_excused_place_is_still_a_leak_in_a_structured_field():
    record = _record("Los Angeles")
    out, _ = RecordShaper(ICE_NB, None).shape(record)
    out["persons"][0]["address"]["city"] = "Los Angeles"  # not the arrestee's own value
    assert VerificationGate(ICE_NB).check(record, out) == ["persons[1].address.city of a removed victim found in persons[0].address.city"]


def test_the_record_recognizer_removes_what_the_rule_does_not_excuse():
    text = "Victim came from Kutztown, not Los Angeles; a Black female, Hispanic, lives in PA."
    record = _record("Kutztown", state="PA")
    recognizer = RecordContextRecognizer(record["persons"], ICE_NB.removed_roles, ROLE_ENTITIES, ICE_NB.strip)
    found = {text[r.start:r.end]: r.recognition_metadata["detail"] for r in recognizer.analyze(text)}
    assert found == {"Kutztown": "ADDRESS"}
    assert places_to_remove(record["persons"][1]) == ["Kutztown"]


# -- a run on narratives written as officers write them --------------------------------------------------------
NARRATIVES = [
    ("Los Angeles", "On 03/04/18 at approx 2215 hrs P/O responded to a report of a fight. Comp, a 34-year-old Black female "
     "from Los Angeles, stated that the deft struck her twice. Her brother Marcus Bell told police he saw it from the porch."),
    ("Compton", "Victim Ilse Marrowby stated she drove up from Compton two days ago and had been staying with the deft for 10 "
     "minutes when he grabbed her phone. Compton police had no record of her. Vehicle a 2016 Kia, grey."),
    ("San Leandro", "Officers met the victim at Broad and Erie. She said she lives in San Leandro and was visiting Philadelphia "
     "for a week. The deft, a white male, fled north on Broad St toward Temple University Hospital."),
    ("Fort Worth", "Compl reports her purse taken at gunpoint near the Gallery. She is from Fort Worth, Texas, here for a "
     "conference. Deft arrested two blocks away with the purse; complainant identified him on scene."),
    ("Kutztown", "VICTIM STATED SHE MOVED FROM KUTZTOWN LAST YEAR. SHE IS A HISPANIC FEMALE, 22 YRS OLD. DEFT KNOWN TO HER "
     "AS HER EX-BOYFRIEND. SHE HAS A PFA AGAINST HIM. HE WAS TAKEN INTO CUSTODY WITHOUT INCIDENT."),
    ("Philadelphia", "Deft was observed at 5th and Lehigh selling narcotics to a white male. A black female witness, who "
     "asked not to be named, said the deft had been there every day since March. 12 packets recovered."),
    ("Philadelphia", "Victim stated her son Tayshawn and her neighbor, Mrs. Oyelaran, saw the deft drive a 2016 Kia Optima "
     "to Cottman Ave. He fled on Lehigh toward Fishtown and was stopped near the Roosevelt Mall. A male named Juan "
     "Quezada-Ibarra and Shri Venkataraghavan also saw it."),
]


@pytest.fixture(scope="module")
def real_style(tmp_path_factory):
    folder = tmp_path_factory.mktemp("real-style")
    lines = []
    for n, (city, narrative) in enumerate(NARRATIVES, start=1):
        record = _record(city, state="TX" if city == "Fort Worth" else "PA" if city in ("Kutztown", "Philadelphia") else "CA")
        record["record_id"] = f"R-{n}"
        record["narrative"] = narrative
        lines.append(json.dumps(record))
    path = folder / "export.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("contract,as_of", [("ice-pars-2009-no-birthplace.yaml", "2018-07-31"),
                                            ("ice-pars-2009.yaml", "2018-07-31"),
                                            ("courts-defender.yaml", "2026-06-01")])
def test_real_style_narratives_publish_with_nothing_of_the_victim_left(real_style, tmp_path, contract, as_of, capsys):
    out = tmp_path / "out"
    code = main(["run", "--contract", str(CONTRACTS_DIR / contract), "--input", str(real_style), "--output", str(out),
                 "--as-of", as_of])
    assert code == exit_codes.OK, capsys.readouterr().err
    counts = read_manifest(out)["counts"]
    assert counts["quarantined"] == 0 and counts["published"] == len(NARRATIVES)
    feed = "".join(p.read_text() for p in feed_dir(out).iterdir())
    for removed in ("Marrowby", "Ilse", "Quorvane", "90220", "Kutztown", "KUTZTOWN", "Compton", "San Leandro",
                    "Marcus", "Bell", "Tayshawn", "Oyelaran", "Juan", "Quezada", "Ibarra", "Venkataraghavan"):
        assert removed not in feed, removed
    narratives = [json.loads(line).get("narrative") or "" for line in feed.splitlines()]
    if any(narratives):
        assert any("Los Angeles" in n for n in narratives) and any("Fort Worth" in n for n in narratives)
        # what is not personal stays: a car, the city's streets, neighbourhoods and landmarks
        kept = next(n for n in narratives if n.startswith("Victim stated her son"))
        for place in ("2016 Kia Optima", "Cottman Ave", "on Lehigh toward Fishtown", "the Roosevelt Mall"):
            assert place in kept, (place, kept)


def test_a_date_of_birth_in_every_usual_spelling():
    from redaction_rules.disclosure_policy import date_spellings
    spellings = date_spellings("1975-01-02")
    for written in ("01/02/1975", "1/2/75", "Jan. 2, 1975", "January 2nd, 1975", "2 January 1975", "02-Jan-1975"):
        assert written in spellings
    assert date_spellings("1975-02-30") == [] and date_spellings(None) == []
    assert "March 23rd, 1990" in date_spellings("1990-03-23") and "May 11th, 1990" in date_spellings("1990-05-11")


@pytest.mark.parametrize("written", ["01/02/1975", "Jan. 2, 1975", "2 January 1975"])
def test_both_checks_know_a_removed_persons_date_of_birth_however_written(written):
    record = _record("Los Angeles")
    text = f"The victim (DOB {written}) said the deft pushed her."
    recognizer = RecordContextRecognizer(record["persons"], ICE_NB.removed_roles, ROLE_ENTITIES, ICE_NB.strip)
    assert [(text[r.start:r.end], r.recognition_metadata["detail"]) for r in recognizer.analyze(text)] == [(written, "DOB")]
    out, _ = RecordShaper(ICE_NB, None).shape(record)
    out["narrative"] = text
    assert VerificationGate(ICE_NB).check(record, out) == [
        "persons[1].dob (date of birth) of a removed victim found in narrative"]


def test_an_age_a_duration_or_the_incidents_date_beside_a_removed_person_is_not_theirs():
    from presidio_analyzer import RecognizerResult
    from redaction_rules.text_redaction import TextRedactor
    text = "Victim Ilse Marrowby, 34 years old, waited 10 minutes on 03/04/18 for the 2016 Kia."
    phrases = [("VICTIM", "Ilse Marrowby", 1.0, 1), ("DATE_TIME", "34 years old", 0.85, None),
               ("DATE_TIME", "10 minutes", 0.85, None), ("DATE_TIME", "03/04/18", 0.85, None),
               ("DATE_TIME", "2016", 0.85, None)]
    results = [RecognizerResult(e, text.index(p), text.index(p) + len(p), s, recognition_metadata={"ordinal": o})
               for e, p, s, o in phrases]
    assert TextRedactor(ICE_NB).redact(text, results).text == (
        "Victim <VICTIM_1>, 34 years old, waited 10 minutes on 03/04/18 for the 2016 Kia.")
