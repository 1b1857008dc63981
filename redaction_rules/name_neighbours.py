"""A found name's neighbours: the word written right beside a name is more of it.

NER and the gazetteers often find part of a name and stop: "Rajeev Kumar
Jain" found as "Kumar Jain", "Saroj Sharma" as "Saroj", "B. Siva Sankara
Rao" as "B. Siva". The word left beside the found part is then all a
reader needs. So a capitalised word directly before or after a found name
(only spaces, or one line break, between; or nothing after an initial's
dot, "Sri.A.Saleem") is taken into it, and again from the longer name,
unless English uses it often as an ordinary word (wordfreq's frequency at
`gazetteers.LONE_NAME_MAX_ZIPF` or above: "Deep" and "Court" are, "Sharma"
is not), or it is a stop word, a street or landmark word, a known place, a title, or a
word for a party or a role ("Appellant", "Accused"). A word in capitals
joins only a name in capitals ("U. DURGA PRASAD RAO"), and initials alone
take either ("A.Saleem", "R.K. JONES"), so that an acronym beside a
mixed-case name stays. Text typed all in one case has no capitals to go by
and is left as it is.

The other way round, NER in capitals takes the words around a name into
it ("WIT ZHANG WEI STATED"): a name guess loses the roles, police titles
and words that report speech or join a clause at its edges
(`_NEVER_A_NAME`), which no name is. An everyday word in general may be
one ("ROSE YOUNG"), and a courtesy title or an honorific stays with the
name it belongs to.
"""
import re

from presidio_analyzer import RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from redaction_rules.contract import ROLES
from redaction_rules.recognizers import gazetteers
from redaction_rules.recognizers.gazetteers import without_possessive

# Words that stand beside a name to say who the person is in the case, in reports and judgments.
_PARTY_WORDS = ("defendant", "accused", "suspect", "offender", "arrestee", "decedent", "deceased", "juvenile",
                "informant", "appellant", "petitioner", "respondent", "plaintiff", "applicant", "claimant",
                "deponent", "complainant", "advocate", "counsel", "adv", "advs")
_PARTIES = frozenset({*_PARTY_WORDS, *(w + "s" for w in _PARTY_WORDS), *ROLES})
_JUDGES_AND_SUFFIXES = ("hon'ble", "honble", "justice", "judge", "magistrate", "lord", "lady", "aka", "jr", "sr", "jj")
_NOT_A_NAME = frozenset({*gazetteers.NAME_TITLES, *gazetteers.HONORIFICS, *gazetteers.STREET_SUFFIXES,
                         *gazetteers.LANDMARK_WORDS, *_JUDGES_AND_SUFFIXES, *_PARTIES})
_AFTER = re.compile(r"(?:[ \t]+\n?[ \t]*|\n[ \t]*)([^\W\d_][\w'’-]*)")
_BEFORE = re.compile(r"([^\W\d_][\w'’-]*)(?:[ \t]+\n?[ \t]*|\n[ \t]*)$")
_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
_JOINED = re.compile(f"({_WORDS.pattern})")  # after a name that ends in an initial's dot
_EDGE_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_MAX_ROUNDS = 3
# Words NER takes into a name in capitals ("WIT ZHANG WEI STATED THAT"), which no name is; an
# everyday word in general may be ("ROSE YOUNG", "Will"), so only these are trimmed.
_NEVER_A_NAME = frozenset({*_PARTIES, *gazetteers.POLICE_TITLES, "compl", "off", "po",
                           "stated", "states", "said", "says", "told", "tells", "reported", "reports", "advised",
                           "and", "or", "the", "was", "were", "is", "are", "that", "who", "had", "has"})


def _in_capitals(name: str) -> bool | None:
    """Whether a name is written in capitals; None when it is initials only ("A.", "R.K.")."""
    words = [w for w in _WORDS.findall(name) if len(w) > 1]
    return all(w.isupper() for w in words) if words else None


def _name_like(word: str, capitals: bool | None, lists) -> bool:
    bare = without_possessive(word)
    if len(bare) < 2 or not bare[0].isupper() or (capitals is not None and bare.isupper() != capitals):
        return False
    lowered = bare.lower()
    return (lowered not in STOP_WORDS and lowered not in _NOT_A_NAME and lowered not in lists["places"]
            and gazetteers.english_key(lowered) not in lists["common_english"])


def _ordinary(word: str) -> bool:
    """A role, a police title, or a word that reports speech or joins a clause: "WIT", "Officer", "STATED".

    Courtesy titles and honorifics stay with the name ("Mr. Young", "Sri Iyer"): they say little on
    their own, and some are names too ("Begum")."""
    return without_possessive(word).rstrip(".").lower() in _NEVER_A_NAME


def _trimmed(text: str, r: RecognizerResult) -> RecognizerResult:
    """A name guess without the roles, police titles and speech at its edges ("WIT ZHANG WEI STATED")."""
    words = list(_EDGE_WORD.finditer(text, r.start, r.end))
    first, last = 0, len(words) - 1
    while first < last and _ordinary(words[first].group()):
        first += 1
    while last > first and _ordinary(words[last].group()):
        last -= 1
    if len(words) < 2 or (first == 0 and last == len(words) - 1) or _ordinary(words[first].group()):
        return r  # untouched, or nothing but ordinary words: as found
    return RecognizerResult(r.entity_type, words[first].start(), words[last].end(), r.score,
                            analysis_explanation=r.analysis_explanation, recognition_metadata=r.recognition_metadata)


def with_name_neighbours(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    if not any(r.entity_type == "PERSON" for r in results):
        return results
    results = [_trimmed(text, r) if r.entity_type == "PERSON" else r for r in results]
    if text.isupper() or text.islower():
        return results
    lists = gazetteers.load()
    covered = bytearray(len(text))
    for r in results:
        if r.entity_type == "PERSON":
            covered[r.start:r.end] = b"\x01" * (r.end - r.start)
    added = []
    for r in results:
        if r.entity_type != "PERSON":
            continue
        start, end = r.start, r.end
        capitals = _in_capitals(text[start:end])
        for _ in range(_MAX_ROUNDS):
            grown = False
            after = (_JOINED.match(text, end) if text[end - 1:end] == "." else None) or _AFTER.match(text, end)
            if after and not covered[after.start(1)] and _name_like(after.group(1), capitals, lists):
                end, grown = after.end(1), True
            before = _BEFORE.search(text, max(0, start - 40), start)
            if before and not covered[before.start(1)] and _name_like(before.group(1), capitals, lists):
                start, grown = before.start(1), True
            if not grown:
                break
        if (start, end) != (r.start, r.end):
            covered[start:end] = b"\x01" * (end - start)
            added.append(RecognizerResult("PERSON", start, end, r.score))
    return results + added if added else results
