"""RecordContextRecognizer: the record's own people, wherever the text names them."""
import pytest

from redaction_rules.contract import ROLE_ENTITIES
from redaction_rules.recognizers import RecordContextRecognizer


PERSONS = [
    {"person_id": "P1", "role": "arrestee", "sex": "M", "name": {"first": "Jose", "last": "Lopez"}, "aliases": ["Flaco"],
     "phone": "215-555-0100", "place_of_birth": {"city": "Puebla", "country": "Mexico"}, "immigration_status": "visa overstay"},
    {"person_id": "P2", "role": "victim", "sex": "F", "name": {"first": "Maria", "middle": "Elena", "last": "Lopez"},
     "phone": "(267) 555-0143", "address": {"line1": "1234 N 5th St"}, "email": "mlopez@gmail.com",
     "place_of_birth": {"city": "Tegucigalpa", "country": "Honduras"}, "citizenship": "Honduras"},
    {"person_id": "P3", "role": "witness", "sex": "M", "name": {"first": "Tran", "last": "Nguyen"}, "aliases": ["Boo"],
     "ssn": "123-45-6789"},
    {"person_id": "P4", "role": "witness", "sex": "F", "name": {"first": "Ana", "last": "Ruiz"}},
]


def context(strip=("immigration_status",), kept_texts=()):
    return RecordContextRecognizer(PERSONS, ("victim", "witness", "complainant", "other"), ROLE_ENTITIES, strip, kept_texts)


def results(recognizer, text):
    return [(r.entity_type, text[r.start:r.end], r.recognition_metadata["ordinal"], r.recognition_metadata["detail"])
            for r in recognizer.analyze(text)]


@pytest.mark.parametrize("mention", ["Maria Lopez", "MARIA LOPEZ", "Lopez, Maria", "LOPEZ, MARIA", "Maria",
                                     "Maria Elena Lopez", "maria e. lopez", "Ms. Lopez", "MRS. LOPEZ", "Mrs Lopez"])
def test_record_context_finds_a_removed_person_in_any_form(mention):
    text = f"Police spoke with {mention} at the scene."
    assert ("VICTIM", mention, 1, None) in results(context(), text)


def test_record_context_keeps_a_shared_surname_of_a_kept_arrestee():
    text = "Mr. Lopez was arrested; Lopez stated that Jose Lopez lives there."
    out = results(context(), text)
    assert not [r for r in out if r[0] == "VICTIM"], out
    assert ("KEPT", "Jose Lopez", None, None) in out


def test_record_context_numbers_people_by_role_and_names_details():
    text = "Tran Nguyen aka Boo (SSN 123 45 6789) and Ana Ruiz saw it. Maria can be reached at 267.555.0143 or mlopez@gmail.com; she lives at 1234 N 5TH ST."
    out = results(context(), text)
    assert ("WITNESS", "Tran Nguyen", 1, None) in out
    assert ("WITNESS", "Boo", 1, None) in out
    assert ("WITNESS", "123 45 6789", 1, "ID") in out
    assert ("WITNESS", "Ana Ruiz", 2, None) in out
    assert ("VICTIM", "267.555.0143", 1, "PHONE") in out
    assert ("VICTIM", "mlopez@gmail.com", 1, "EMAIL") in out
    assert ("VICTIM", "1234 N 5TH ST", 1, "ADDRESS") in out


def test_record_context_removes_everything_known_about_a_removed_person():
    text = "She is from Tegucigalpa, Honduras."
    out = results(context(strip=()), text)
    assert ("VICTIM", "Tegucigalpa", 1, "PLACE_OF_BIRTH") in out
    assert ("VICTIM", "Honduras", 1, "PLACE_OF_BIRTH") in out


def test_record_context_strips_categories_of_kept_people_only_when_the_contract_does():
    text = "Jose Lopez is a visa overstay born in Puebla."
    assert ("IMMIGRATION_STATUS", "visa overstay", None, None) in results(context(), text)
    assert not [r for r in results(context(), text) if r[1] == "Puebla"]
    assert ("PLACE_OF_BIRTH", "Puebla", None, None) in results(context(strip=("place_of_birth",)), text)


def test_record_context_marks_allowed_texts():
    out = results(context(kept_texts=["DUI: Gen Imp/Inc Of Driving Safely"]), "Charged with DUI: Gen Imp/Inc Of Driving Safely.")
    assert ("KEPT", "DUI: Gen Imp/Inc Of Driving Safely", None, None) in out


def test_record_context_finds_a_turkish_name_written_in_capitals():
    persons = [{"person_id": "P1", "role": "arrestee", "name": {"first": "John", "last": "Smith"}},
               {"person_id": "P2", "role": "victim", "name": {"first": "Işıl", "last": "Yıldız"}}]
    context = RecordContextRecognizer(persons, {"victim"}, ROLE_ENTITIES, (), [])
    text = "VICTIM IŞIL YILDIZ STATED"  # ı is I in capitals, as a regular expression folds it
    assert [text[r.start:r.end] for r in context.analyze(text)] == ["IŞIL YILDIZ"]


def test_record_context_a_removed_name_beats_a_kept_one_that_folds_alike():
    """'YILDIZ' and 'Yıldız' differ in lower case but match alike: the removed person's entry wins."""
    persons = [{"person_id": "P1", "role": "arrestee", "name": {"first": "ALI", "last": "YILDIZ"}},
               {"person_id": "P2", "role": "victim", "name": {"first": "Işıl", "last": "Yıldız"}}]
    context = RecordContextRecognizer(persons, {"victim"}, ROLE_ENTITIES, (), [])
    text = "Yıldız said so"
    assert [(r.entity_type, text[r.start:r.end]) for r in context.analyze(text)] == [("VICTIM", "Yıldız")]
