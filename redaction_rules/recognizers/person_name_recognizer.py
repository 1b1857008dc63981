"""Person names from a gazetteer: what NER misses, in capitals above all.

spaCy's small model misses many names, and most names typed in capitals.
The first and last names of every Faker locale (a maintained list, some
60,000 names in many scripts, also folded to ASCII as police systems store
them) and the 2010 Census's surnames and Tzioumis's first names (some
140,000 more, of every origin, that English hardly uses as words) find
them instead. One name-like word alone is too often an ordinary
word ("Will", "Young", "Price"), so a match is two or more adjacent name
words ("Maria Lopez", "LOPEZ, MARIA" is two runs joined by a comma) or a
title followed by a name ("Mr. Nguyen", "DEFT RAZO"). Surnames are the
longer tail, so in mixed case a known first name, an optional initial and
one capitalised word that is not a street word make a name too ("Sieda
Batukayev", "Elita B Desaulniers"); in capitals every word is capitalised,
so there both words must be known, and the same in a text typed all in
lower case. And in mixed case a first name of three letters or more alone
is a name when English does not use it as an ordinary word (wordfreq's
frequency below `gazetteers.LONE_NAME_MAX_ZIPF`: "Derek", "Teresa", not "Grant",
"Hope" or "Chase").

Names from anywhere in the world are not all in Faker's lists, so two more
forms need no gazetteer: two capitalised words that English hardly uses
(both under `gazetteers.RARE_PAIR_MAX_ZIPF`: "Einojuhani Pyysalo", "Ravil G
Yefimov"), and what follows a phrase that introduces a name ("my name is
borna jerković", "identified herself as Ludmiła", "Name: Nayla Montero"),
up to three words that are capitalised or rare, stopping at a common word.

Initials written with a dot make a name of the word after them ("R.P.
Gupta", "J. Smith", "A.K.Nirankari"): a known name, or in mixed case a
capitalised word English hardly uses, that is no street word, no place and
not followed by a street word ("U.S. Customs" and "P.O. Box" stay, being
ordinary words). A lone N., S., E. or W. is a street's direction ("W.
Girard", "N. Broad"), not an initial.

Lists of single words joined by "and" or commas ("assaulted Premchand
and Puranchand", "Neha, Ritu and Rajesh") are names when each word is a
capitalised word English hardly uses or a lone first name, none a place,
in mixed case and not at a sentence's start ("Walmart and Target" stays:
"Target" is an everyday word).

The word for a relative, a partner, a friend or a neighbour after a
possessive ("her son Dharmender", "the victim's boyfriend, Marcus"), and
"named" ("a male named Juan"), introduce a name too: the capitalised words
after them.

Three forms of the text itself: a known name in the possessive is a name
alone ("Garcia's brother"; not "Macy's"), a quoted nickname between two names is part of the
name (`Luis "Flaco" Ortega`), and after a personal title (Mr, Mrs, Ms,
Miss, Mister) any capitalised word is a surname, known or not ("Mr.
Black", "Ms. Oyelaran"). Other languages' honorifics (`gazetteers.HONORIFICS`:
Shri, Smt, Herr, Señora, ...) do the same for a word English does not use
every day, unless the two make a place ("Sri Lanka"), and like English
titles they make a name of a known name or dotted initials after them
("Sri.E.Radhakrishnan", where "E." alone would be a street's direction).
"""
import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from redaction_rules.sentences import at_sentence_start
from redaction_rules.recognizers import gazetteers
from redaction_rules.recognizers.cue_words import words_after
from redaction_rules.recognizers.gazetteers import (ANY_PERSONAL_TITLE, HONORIFICS, LANDMARK_WORDS, NAME_TITLES,
                                                    STREET_SUFFIXES, english_key, without_possessive)

_CUE = re.compile(
    r"\b(?:(?:my|his|her|their|your|whose)\s+(?:(?:first|last|middle|maiden|real|full|sur)\s*)?name(?:\s+is|\s+was|'s)?"
    r"|(?:first|last|middle|maiden|sur|full)\s*name(?:\s+is|\s+was)?|name\s*:"
    r"|call(?:s|ed)?\s+me|known\s+as|goes\s+by|go\s+by|a\.?k\.?a\.?"
    r"|identified\s+(?:him|her|them)sel(?:f|ves)\s+as)[ \t?:,\"'“]*",
    re.IGNORECASE)
# A relative, a partner, a friend or a neighbour named after the word for them: "her son
# Dharmender", "the victim's boyfriend, Marcus", "his 16-year-old cousin Tayshawn".
_RELATIONS = ("son", "daughter", "child", "wife", "husband", "spouse", "partner", "brother", "sister", "mother",
              "father", "mom", "mum", "dad", "boyfriend", "girlfriend", "fiance", "fiancé", "fiancee", "fiancée",
              "paramour", "cousin", "uncle", "aunt", "auntie", "aunty", "nephew", "niece", "grandson",
              "granddaughter", "grandmother", "grandfather", "grandma", "grandpa", "stepson", "stepdaughter",
              "stepfather", "stepmother", "friend", "roommate", "neighbor", "neighbour", "coworker", "co-worker",
              "landlord", "landlady", "tenant", "babysitter", "caretaker", "guardian")
_RELATED = re.compile(
    r"\b(?:my|his|her|their|your|our|whose|[^\W\d_]+['’]s?)\s+"
    r"(?:(?:older|younger|little|big|elder|eldest|late|ex|step|half|former|adult|teenage|\d{1,2}[- ]years?[- ]old)"
    r"[\s-]+)?(?:" + "|".join(_RELATIONS) + r")s?[ \t]*,?[ \t]+", re.IGNORECASE)
# "a male named Juan Ortiz", "a woman by the name of Keisha": the same words after it.
_NAMED = re.compile(r"\b(?:named|by\s+the\s+name\s+of)[ \t]+", re.IGNORECASE)
_CUE_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_STREET_WORDS = frozenset(STREET_SUFFIXES)
_PLACE_WORDS = frozenset({*STREET_SUFFIXES, *LANDMARK_WORDS})  # "Roosevelt Mall": no surname, and ends no name
_COMPASS = frozenset("NSEW")  # "W. Girard", "N. Broad": one of these alone before a word is a street's direction
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*\.?|\S")
# After a personal title any capitalised word is a surname ("Mrs. May", "Mr. Will"), but these ("MR AND MRS").
_NOT_AFTER_TITLE = frozenset({"and", "or", "the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "by",
                              "from", "is", "was", "said", "stated"})
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # "O'Brien", "Ruiz-Tagle"
_NICKNAMED = re.compile(r"(?<![\w'’])([^\W\d_][\w'’-]+)\s+[\"“']([^\W\d_][\w'’ -]{0,20}?)[\"”']\s+([^\W\d_][\w'’-]+)")


class PersonNameRecognizer(EntityRecognizer):
    SCORE = 0.6

    def __init__(self, supported_language: str = "en", supported_entity: str = "PERSON", score: float | None = None,
                 name: str | None = None):
        self.score = self.SCORE if score is None else score
        super().__init__(supported_entities=[supported_entity], supported_language=supported_language,
                         name=name or type(self).__name__)

    def load(self) -> None:
        lists = gazetteers.load()
        self._names, self._first_names, self._lone_names = lists["names"], lists["first_names"], lists["lone_names"]
        # English words as common as RARE_PAIR_MAX_ZIPF and LONE_NAME_MAX_ZIPF or more
        self._ordinary_english, self._common_english = lists["ordinary_english"], lists["common_english"]
        self._places = lists["places"]
        self._vehicles, self._vehicle_makes = lists["vehicles"], lists["vehicle_makes"]

    def _is_name(self, token: str, caseless: bool) -> bool:
        word = without_possessive(token.rstrip("."))
        if not word or word.lower() in HONORIFICS:
            return False
        if len(word) == 1:  # an initial, "J." or "B"
            return word.isalpha() and (word.isupper() or caseless)
        return (caseless or word[0].isupper()) and word.lower() in self._names

    def _rare_capitalised(self, token: str) -> bool:
        return (len(token) > 1 and token.isalpha() and token[0].isupper() and not token.isupper()
                and token.lower() not in STOP_WORDS and token.lower() not in _PLACE_WORDS
                and english_key(token) not in self._ordinary_english)

    def _rare_pair(self, tokens, i: int) -> int:
        """The end (exclusive) of a rare capitalised pair at i, with an initial between, or i."""
        j = i + 1
        if j < len(tokens) and len(tokens[j].group().rstrip(".")) == 1 and tokens[j].group()[0].isupper():
            j += 1
        if j < len(tokens) and self._rare_capitalised(tokens[i].group()) and self._rare_capitalised(tokens[j].group()):
            first, pair = tokens[i].group().lower(), f"{tokens[i].group()} {tokens[j].group()}".lower()
            if first not in self._vehicle_makes and pair not in self._vehicles:  # "Kia Optima", "Hyundai Elantra"
                return j + 1
        return i

    def _cued(self, text: str) -> list[tuple[int, int]]:
        def accept(word: str) -> bool:
            lowered = word.lower()
            return lowered not in STOP_WORDS and (word[0].isupper() or english_key(lowered) not in self._common_english)
        return words_after(text, (cue.end() for cue in _CUE.finditer(text)), _CUE_WORD, accept)

    def _relative_name_word(self, word: str, caseless: bool) -> bool:
        lowered = word.lower()
        if len(word) < 2 or lowered in STOP_WORDS or lowered in _STREET_WORDS:
            return False
        if caseless:
            return lowered in self._names
        return word[0].isupper() and (not word.isupper() or lowered in self._names)

    def _related(self, text: str, caseless: bool) -> list[tuple[int, int]]:
        """Up to three name words after the word for a relative or a friend, or after "named".

        Capitalised in mixed case, a common word too ("her son Hunter"), but in
        capitals only a known name ("her son DOB" is none); known names in a
        text typed in one case."""
        cues = (cue.end() for cue in (*_RELATED.finditer(text), *_NAMED.finditer(text)))
        return words_after(text, cues, _CUE_WORD,
                           lambda word: self._relative_name_word(without_possessive(word), caseless))

    def _listed_word(self, token: str) -> bool:
        word = without_possessive(token.rstrip("."))
        return (self._rare_capitalised(word) or (word[:1].isupper() and word.lower() in self._lone_names)) \
            and word.lower() not in self._places

    def _coordinated(self, text: str, tokens) -> list[tuple[int, int]]:
        """Words joined by "and" or commas ("Premchand and Puranchand", "Neha, Ritu and Rajesh"), in mixed
        case, mid-sentence, each a capitalised word English hardly uses or a lone first name, no place."""
        spans = []
        for k in range(1, len(tokens) - 1):
            if tokens[k].group().lower() not in ("and", "&") or not self._listed_word(tokens[k + 1].group()):
                continue
            first = k - 1
            if not self._listed_word(tokens[first].group()):
                continue
            while first >= 2 and tokens[first - 1].group() == "," and self._listed_word(tokens[first - 2].group()):
                first -= 2
            if at_sentence_start(text, tokens[first].start()):
                continue
            spans += [(tokens[n].start(), tokens[n].start() + len(tokens[n].group().rstrip(".")))
                      for n in range(first, k + 2, 2)]
        return spans

    def _surname_after(self, tokens, i: int, j: int) -> bool:
        """A known first name (and an initial) at i..j, then an unknown capitalised word."""
        word = tokens[j].group()
        return (tokens[i].group().lower() in self._first_names and word[0].isupper() and not word.isupper()
                and word.isalpha() and word.lower() not in STOP_WORDS and word.lower() not in _PLACE_WORDS)

    @staticmethod
    def _initials(tokens, i: int, j: int) -> int:
        """How many of tokens i..j-1, from i, are initials written with a dot ("R.", "P.")."""
        n = i
        while n < j and len(tokens[n].group()) == 2 and tokens[n].group()[1] == "." and tokens[n].group()[0].isupper():
            n += 1
        return n - i

    def _after_initials(self, tokens, j: int, caseless: bool) -> bool:
        """The word after a run of dotted initials is a surname: known, or (in mixed case) rare, and no street or place."""
        if j >= len(tokens):
            return False
        word = without_possessive(tokens[j].group().rstrip("."))
        after = tokens[j + 1].group().rstrip(".").lower() if j + 1 < len(tokens) else ""
        if len(word) < 2 or word.lower() in _STREET_WORDS or after in _PLACE_WORDS or word.lower() in self._places:
            return False
        return self._is_name(word, caseless) or (not caseless and self._rare_capitalised(word))

    def _place_or_vehicle(self, tokens, i: int, j: int) -> bool:
        """Name words that end in a landmark word ("Roosevelt Mall") or are a vehicle ("Kia Optima")."""
        words = [tokens[n].group().rstrip(".").lower() for n in range(i, j)]
        return j - i > 1 and (words[-1] in _PLACE_WORDS or " ".join(words[:2]) in self._vehicles)

    def _lone_name(self, tokens, i: int) -> bool:
        word = tokens[i].group()
        after = tokens[i + 1].group().rstrip(".").lower() if i + 1 < len(tokens) else ""
        return (len(word) > 2 and word[0].isupper() and word.lower() in self._lone_names
                and after not in _PLACE_WORDS)

    def _nicknamed(self, text: str, caseless: bool) -> list[tuple[int, int]]:
        """`Luis "Flaco" Ortega`: two names around a quoted nickname, when either is a known name."""
        return [(m.start(), m.end()) for m in _NICKNAMED.finditer(text)
                if self._is_name(m.group(1), caseless) or self._is_name(m.group(3), caseless)]

    def _place_after(self, title: str, word: str) -> bool:
        return word.lower() in self._places or f"{title} {word.lower()}" in self._places

    def _titled(self, tokens, caseless: bool) -> list[tuple[int, int]]:
        """A personal title or an honorific, any dotted initials, and the capitalised word after them: a name.

        After an honorific the word must also be rarer than an everyday English
        word and no place, since some places begin with one ("Sri Lanka")."""
        spans = []
        for i, token in enumerate(tokens[:-1]):
            title = token.group().rstrip(".").lower()
            if title not in ANY_PERSONAL_TITLE and title not in HONORIFICS:
                continue
            j = first = i + 2 if tokens[i + 1].group() == "." and i + 2 < len(tokens) else i + 1
            j += self._initials(tokens, j, len(tokens) - 1)  # "Mr. J. Black", "Sri.A.Saleem"
            word = without_possessive(tokens[j].group().rstrip("."))
            if not (len(word) > 1 and _NAME_WORD.fullmatch(word) and (word[0].isupper() or caseless)
                    and word.lower() not in _NOT_AFTER_TITLE):
                continue
            if title in HONORIFICS and (english_key(word) in self._common_english or self._place_after(title, word)):
                continue
            spans.append((tokens[first].start(), tokens[j].end()))
        return spans

    def analyze(self, text: str, entities=None, nlp_artifacts=None) -> list[RecognizerResult]:
        caseless = text.isupper() or text.islower()
        tokens = list(_TOKEN.finditer(text))
        results = [RecognizerResult(self.supported_entities[0], start, end, self.score)
                   for start, end in (*self._cued(text), *self._related(text, caseless), *self._nicknamed(text, caseless),
                                             *self._titled(tokens, caseless),
                                             *(() if caseless else self._coordinated(text, tokens)))]
        i = 0
        while i < len(tokens):
            if not self._is_name(tokens[i].group(), caseless):
                if not caseless and (j := self._rare_pair(tokens, i)) > i:
                    results.append(RecognizerResult(self.supported_entities[0], tokens[i].start(), tokens[j - 1].end(), self.score))
                    i = j
                else:
                    i += 1
                continue
            j, words = i, 0
            while j < len(tokens) and self._is_name(tokens[j].group(), caseless):
                words += len(tokens[j].group().rstrip(".")) > 1
                j += 1
            while caseless and j - 1 > i and len(tokens[j - 1].group().rstrip(".")) == 1:
                j -= 1
            before = tokens[i - 1].group().rstrip(".").lower() if i else ""
            if words == 1 and not caseless and j < len(tokens) and self._surname_after(tokens, i, j):
                j, words = j + 1, 2
            initials = self._initials(tokens, i, j)
            titled = before in NAME_TITLES or (before in HONORIFICS and not self._place_after(
                before, without_possessive(tokens[i].group().rstrip("."))))
            if initials and words <= 1 and not (initials == 1 and tokens[i].group()[0] in _COMPASS and not titled):
                # "R.P. Gupta", "G.S. Ahluwalia J.": dotted initials and one surname, known or rare
                if initials == j - i and self._after_initials(tokens, j, caseless):
                    j, words = j + 1, 2
                    while j < len(tokens) and self._is_name(tokens[j].group(), caseless):  # "B.Vijaysen Reddy"
                        j += 1
                elif words == 1 and self._after_initials(tokens, i + initials, caseless):
                    words = 2
            if self._place_or_vehicle(tokens, i, j):
                i = j
                continue
            token = tokens[i].group()
            possessive = words == 1 and j == i + 1 and not caseless and without_possessive(token) != token
            if (words >= 2 or (words == 1 and titled) or possessive
                    or (words == 1 and j == i + 1 and not caseless and self._lone_name(tokens, i))):
                results.append(RecognizerResult(self.supported_entities[0], tokens[i].start(), tokens[j - 1].end(), self.score))
            i = j
        return results
