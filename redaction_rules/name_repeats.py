"""A name found once is a name wherever it recurs in the same text, and so is the name beside it.

Writers give a full name once and then the surname or the first name alone
("directed by Maciej Borkowski and starring Borkowski"; "Ms. Aantje
Mourik ... Aantje said"; "Borkowski's car"). The later mention has no
context that would let NER or a gazetteer find it, so each word of a
detected name of two words or more is looked for again in the text, as a
whole word written the same way (capitalised, unless the whole text is in
one case), possessive or not. A word that is also a common English word
("May", "Will", "Young") is taken again only where its capital says it is
a name: in mixed-case text, not at the start of a sentence.

And a name joined to a found one ("Maria Lopez and Rose", "Rose and Maria
Lopez") is a name too: one or two capitalised words on the other side of
"and" or "&", in mixed-case text, that are not common words at a
sentence's start.
"""
import re

from presidio_analyzer import RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from redaction_rules.recognizers.gazetteers import without_possessive
from redaction_rules.sentences import at_sentence_start

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_AFTER_AND = re.compile(r"\s+(?:and|&)\s+((?:[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+)?)")
_BEFORE_AND = re.compile(r"((?:[A-Z][\w'’-]+\s+)?[A-Z][\w'’-]+)\s+(?:and|&)\s+$")


def _mid_sentence(text: str, start: int) -> bool:
    return not at_sentence_start(text, start)


def with_repeated_names(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    names = [r for r in results if r.entity_type == "PERSON"]
    if not names:
        return results
    caseless = text.isupper() or text.islower()
    parts: dict[str, float] = {}
    for r in names:
        words = [without_possessive(w) for w in _WORD.findall(text, r.start, r.end)]
        if len(words) < 2:
            continue
        for word in words:
            if len(word) > 2 and (caseless or word[0].isupper()) and (word.lower() not in STOP_WORDS or not caseless):
                parts[word] = max(parts.get(word, 0.0), r.score)
    covered = bytearray(len(text))
    for r in names:
        covered[r.start:r.end] = b"\x01" * (r.end - r.start)
    added = []
    for m in _WORD.finditer(text):
        word = without_possessive(m.group())
        if word not in parts or covered[m.start()]:
            continue
        if word.lower() in STOP_WORDS and not _mid_sentence(text, m.start()):
            continue
        added.append(RecognizerResult("PERSON", m.start(), m.end(), parts[word]))
    if not caseless:
        for r in names:
            for found in (_AFTER_AND.match(text, r.end), _BEFORE_AND.search(text, max(0, r.start - 80), r.start)):
                if found is None:
                    continue
                start, end = found.span(1)
                first = text[start:end].split()[0]
                if covered[start] or (first.lower() in STOP_WORDS and not _mid_sentence(text, start)):
                    continue
                if any(w.lower() in STOP_WORDS and w[0].islower() for w in text[start:end].split()):
                    continue
                added.append(RecognizerResult("PERSON", start, end, r.score))
    return results + added if added else results
