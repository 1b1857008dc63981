"""A name found once is a name wherever it recurs in the same text.

Writers give a full name once and then the surname or the first name alone
("directed by Maciej Borkowski and starring Borkowski"; "Ms. Aantje
Mourik ... Aantje said"). The later mention has no context that would let
NER or a gazetteer find it, so each word of a detected name of two words or
more is looked for again in the text, as a whole word written the same way
(capitalised, unless the whole text is in one case) and never a stop word.
"""
import re

from presidio_analyzer import RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def with_repeated_names(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    names = [r for r in results if r.entity_type == "PERSON"]
    if not names:
        return results
    caseless = text.isupper() or text.islower()
    parts: dict[str, float] = {}
    for r in names:
        words = _WORD.findall(text, r.start, r.end)
        if len(words) < 2:
            continue
        for word in words:
            if len(word) > 2 and word.lower() not in STOP_WORDS and (caseless or word[0].isupper()):
                parts[word] = max(parts.get(word, 0.0), r.score)
    if not parts:
        return results
    covered = bytearray(len(text))
    for r in names:
        covered[r.start:r.end] = b"\x01" * (r.end - r.start)
    repeats = [RecognizerResult("PERSON", m.start(), m.end(), parts[m.group()])
               for m in _WORD.finditer(text) if m.group() in parts and not covered[m.start()]]
    return results + repeats if repeats else results
