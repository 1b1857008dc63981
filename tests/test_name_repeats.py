"""Names found once, found again where they recur (`name_repeats`)."""
import pytest
from presidio_analyzer import RecognizerResult

from redaction_rules.name_repeats import with_repeated_names


def test_a_detected_name_is_redacted_where_it_recurs():
    text = "Directed by Maciej Borkowski and starring Borkowski; Maciej said the borkowski file"
    results = [RecognizerResult("PERSON", 12, 28, 0.85)]
    repeats = [(r.entity_type, text[r.start:r.end], r.score) for r in with_repeated_names(text, results)[1:]]
    assert repeats == [("PERSON", "Borkowski", 0.85), ("PERSON", "Maciej", 0.85)]
    lone = [RecognizerResult("PERSON", 12, 18, 0.85)]
    assert with_repeated_names(text, lone) == lone


@pytest.mark.parametrize("text,found_name,again", [
    ("Maciej Borkowski drove. Later Borkowski's car was found.", "Maciej Borkowski", "Borkowski's"),
    ("Officers met Anna May at home. They asked May about the knife.", "Anna May", "May"),
    ("Comp Maria Lopez and Rose were inside.", "Maria Lopez", "Rose"),
    ("Rose and Maria Lopez were inside.", "Maria Lopez", "Rose"),
])
def test_a_found_name_finds_its_repeats_and_its_partner(text, found_name, again):
    start = text.index(found_name)
    results = with_repeated_names(text, [RecognizerResult("PERSON", start, start + len(found_name), 0.85)])
    assert again in [text[r.start:r.end] for r in results[1:]]


def test_a_common_word_repeat_at_a_sentence_start_is_no_name():
    text = "Officers met Anna May at home. May 5 was a Friday. Will was not there, and the others left."
    start = text.index("Anna May")
    results = with_repeated_names(text, [RecognizerResult("PERSON", start, start + 8, 0.85)])
    assert [text[r.start:r.end] for r in results[1:]] == []
