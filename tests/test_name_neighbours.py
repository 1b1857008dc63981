"""The word beside a found name is more of it (`name_neighbours`)."""
import pytest
from presidio_analyzer import RecognizerResult

from redaction_rules.name_neighbours import with_name_neighbours


def grown(text, found_name):
    start = text.index(found_name)
    results = with_name_neighbours(text, [RecognizerResult("PERSON", start, start + len(found_name), 0.85)])
    return [text[r.start:r.end] for r in results[1:]]


@pytest.mark.parametrize("text,found_name,name", [
    ("Shri Rajeev Kumar Jain, Advocate on behalf of the State", "Kumar Jain", "Rajeev Kumar Jain"),
    ("the presence of PW-2 Saroj Sharma at the place", "Saroj", "Saroj Sharma"),
    ("Honble Dr. Justice B. Siva Sankara Rao heard it", "B. Siva", "B. Siva Sankara Rao"),
    ("for the Appellant Ramvir\nSingh (Cr.A. No. 397)", "Singh", "Ramvir\nSingh"),
    ("the husband, Sri.A.Saleem, of the plaintiff", "A.", "A.Saleem"),
    ("Before U. DURGA PRASAD RAO, J", "PRASAD RAO", "DURGA PRASAD RAO"),
])
def test_a_rare_capitalised_word_beside_a_found_name_joins_it(text, found_name, name):
    assert grown(text, found_name) == [name]


@pytest.mark.parametrize("text,found_name", [
    ("On Monday Maria Lopez went to Court.", "Maria Lopez"),              # everyday words
    ("Officer Maria Lopez and Witness Anna Grey", "Maria Lopez"),          # title, role, stop word
    ("Maria Lopez Street was closed. Maria Lopez Philadelphia", "Maria Lopez"),  # a street word, a place
    ("The IPC section was put to Maria Lopez FIR", "Maria Lopez"),         # an acronym beside a mixed-case name
    ("Maria Lopez. Borkowski arrived", "Maria Lopez"),                     # a sentence's end between
    ("MARIA LOPEZ HILTBRUNNER LEFT", "MARIA LOPEZ"),                       # a text all in capitals
])
def test_ordinary_words_places_acronyms_and_one_case_texts_stay(text, found_name):
    assert grown(text, found_name) == []


def test_other_detections_are_left_alone():
    text = "Maria Borkowski lives in Odesa"
    results = [RecognizerResult("LOCATION", 25, 30, 0.85)]
    assert with_name_neighbours(text, results) == results


@pytest.mark.parametrize("text,guess,name", [
    ("WIT ZHANG WEI STATED THAT HE RAN", "WIT ZHANG WEI STATED THAT", "ZHANG WEI"),
    ("Officer Maria Lopez said so", "Officer Maria Lopez said", "Maria Lopez"),
    ("ROSE YOUNG WAS HOME", "ROSE YOUNG", "ROSE YOUNG"),          # an everyday word may be a name
    ("Mr. Young Kim left", "Mr. Young Kim", "Mr. Young Kim"),     # a courtesy title stays with it
    ("Deft stated", "Deft stated", "Deft stated"),                # nothing is left to be a name: as found
])
def test_a_name_guess_loses_the_roles_and_speech_at_its_edges(text, guess, name):
    start = text.index(guess)
    results = with_name_neighbours(text, [RecognizerResult("PERSON", start, start + len(guess), 0.85)])
    assert [text[r.start:r.end] for r in results] == [name]
