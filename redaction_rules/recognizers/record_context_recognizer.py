"""The people of one record, found wherever its text mentions them.

NER cannot know that "Maria" is the victim and "Mr. Lopez" the arrestee, nor
find names typed in capitals reliably; the record itself can. This
recognizer is built per record from its `persons[]` and reports:

- every name form, alias, phone (compared by digits), email, street
  address and identifier of each person the contract removes, as an entity
  named for the role (VICTIM, WITNESS, ...), with the person's ordinal in
  that role so that a placeholder like <VICTIM_1> is consistent;
- the names of people the contract keeps, and other text it allows (the
  record's charge descriptions), as KEPT, so that NER's guesses over them
  (PERSON over a kept arrestee, PERSON over "Gen Imp/Inc Of Driving") can
  be left alone;
- the values of stripped categories (immigration status, birthplace,
  nationality) of everyone, as that category's entity.

A surname shared by a removed and a kept person is not reported alone
(that would redact the kept arrestee); it is reported with the removed
person's first name, or after a title that fits the removed person's sex and
no kept person with that surname.
"""
import re
from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer, RecognizerResult

from redaction_rules.case_folding import fold_case
from redaction_rules.contract import CATEGORY_ENTITIES
from redaction_rules.fields import CATEGORY_FIELDS
from redaction_rules.recognizers.gazetteers import demonyms_by_country
from redaction_rules.disclosure_policy import date_spellings, places_to_remove
from redaction_rules.recognizers.gazetteers import PERSONAL_TITLES
from redaction_rules.recognizers.phrase_index import PhraseIndex

KEPT = "KEPT"  # text the contract lets the recipient see: kept names, charges
_DIGIT_RUN = re.compile(r"(?<![\w])[+(]?\d[\d\s().-]{5,}\d(?!\w)")
# Identifier fields compared by their digits, when they have enough of them.
_DIGIT_FIELDS = ("phone", "ssn", "drivers_license", "state_id", "photo_id", "alien_number", "fbi_number")
_TEXT_FIELDS = ("email", "fbi_number", "passport_number", "state_id")
# The person fields of each category a contract can strip, below the person
# (`place_of_birth.city`), and the entity their values are reported as.
_CATEGORY_PERSON_FIELDS = {category: tuple(tuple(path.split(".")[1:]) for path in paths if path.startswith("persons."))
                           for category, paths in CATEGORY_FIELDS.items()}
_CATEGORY_ENTITY = {category: CATEGORY_ENTITIES[category][0]
                    for category, fields in _CATEGORY_PERSON_FIELDS.items() if fields}


def _digits(value) -> str:
    return "".join(ch for ch in str(value) if ch.isdigit())


def _value_at(person: dict, parts: tuple):
    value = person
    for part in parts:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _words(value) -> str:
    return " ".join(str(value).split())


@dataclass(frozen=True)
class Term:
    entity: str
    ordinal: int | None = None
    detail: str | None = None  # what of the person it is, when not the name: PHONE, ADDRESS, ...


class RecordContextRecognizer(EntityRecognizer):
    MIN_DIGITS = 7

    def __init__(self, persons: list, removed_roles, role_entities: dict[str, str],
                 stripped_categories=(), kept_texts=(), supported_language: str = "en"):
        super().__init__(supported_entities=sorted({*role_entities.values(), KEPT,
                                                    *_CATEGORY_ENTITY.values()}),
                         supported_language=supported_language, name="RecordContextRecognizer")
        self._phrases: dict[str, Term] = {}   # case-folded phrase -> what it is
        self._digits: dict[str, Term] = {}    # digit string -> what it is
        persons = [p for p in persons if isinstance(p, dict)]
        removed = [p for p in persons if p.get("role") in removed_roles]
        kept = [p for p in persons if p.get("role") not in removed_roles]
        kept_last = {_words(n.get("last")).lower() for n in (p.get("name") or {} for p in kept) if n.get("last")}
        kept_first = {_words(n.get("first")).lower() for n in (p.get("name") or {} for p in kept) if n.get("first")}
        kept_sexes_by_last = {}
        for p in kept:
            last = _words((p.get("name") or {}).get("last") or "").lower()
            kept_sexes_by_last.setdefault(last, set()).add(p.get("sex"))

        # stripped categories first, so that a removed person's entry wins a tie
        for p in persons:
            self._add_categories(p, stripped_categories)
        for p in kept:
            self._add_names(p, Term(KEPT), shared_last=set(), shared_first=set(), kept_sexes_by_last={})
        for text in kept_texts:
            if isinstance(text, str):
                self._phrase(text, Term(KEPT), min_len=4)
        ordinals: dict[str, int] = {}
        for p in persons:
            role = p.get("role")
            if role not in removed_roles:
                continue
            ordinals[role] = ordinals.get(role, 0) + 1
            term = Term(role_entities[role], ordinals[role])
            self._add_names(p, term, kept_last, kept_first, kept_sexes_by_last)
            self._add_details(p, term)
        self._index = PhraseIndex(self._phrases)
        self._removed_count = len(removed)

    # -- building the lexicon ------------------------------------------
    def _phrase(self, text, term: Term, min_len: int = 2) -> None:
        # keyed as the index compares, so that precedence holds between spellings it matches alike
        text = fold_case(_words(text or ""))
        if len(text) < min_len:
            return
        current = self._phrases.get(text)
        # a removed person's entry beats a kept one; never the other way round
        if current is None or (current.entity == KEPT and term.entity != KEPT):
            self._phrases[text] = term

    def _add_names(self, p: dict, term: Term, shared_last: set, shared_first: set,
                   kept_sexes_by_last: dict) -> None:
        name = p.get("name") or {}
        first, middle, last = (_words(name.get(k) or "") for k in ("first", "middle", "last"))
        if first and last:
            self._phrase(f"{first} {last}", term)
            self._phrase(f"{last}, {first}", term)
            self._phrase(f"{last} {first}", term)
            if middle:
                self._phrase(f"{first} {middle} {last}", term)
                self._phrase(f"{first} {middle[0]}. {last}", term)
                self._phrase(f"{first} {middle[0]} {last}", term)
        if first and first.lower() not in shared_first:
            self._phrase(first, term)
        if middle and middle.lower() not in shared_first:
            self._phrase(middle, term)
        if last:
            if last.lower() not in shared_last:
                self._phrase(last, term)
            else:
                # shared surname: only a title that fits this person and no kept namesake
                titles = PERSONAL_TITLES.get(p.get("sex"), ())
                if p.get("sex") not in kept_sexes_by_last.get(last.lower(), set()):
                    for title in titles:
                        self._phrase(f"{title}. {last}", term)
                        self._phrase(f"{title} {last}", term)
        for alias in p.get("aliases") or []:
            if isinstance(alias, str):
                self._phrase(alias, term)

    def _add_details(self, p: dict, term: Term) -> None:
        def detail(name: str) -> Term:
            return Term(term.entity, term.ordinal, name)

        address = p.get("address") or {}
        if isinstance(address, dict):
            self._phrase(address.get("line1"), detail("ADDRESS"), min_len=5)
            self._phrase(address.get("line2"), detail("ADDRESS"), min_len=5)
        # a town small enough to find the person by; the rule is the gate's too (disclosure_policy)
        for place in places_to_remove(p):
            self._phrase(place, detail("ADDRESS"), min_len=3)
        for field in _TEXT_FIELDS:
            self._phrase(p.get(field), detail("EMAIL" if field == "email" else "ID"), min_len=5)
        for field in _DIGIT_FIELDS:
            digits = _digits(p.get(field) or "")
            if len(digits) >= self.MIN_DIGITS:
                self._digits[digits[-10:] if field == "phone" else digits] = detail("PHONE" if field == "phone" else "ID")
        if p.get("dob"):
            self._phrase(p["dob"], detail("DOB"), min_len=8)
            for spelling in date_spellings(p["dob"]):  # the gate searches for each too (disclosure_policy)
                self._phrase(spelling, detail("DOB"), min_len=6)
        # everything else known about a removed person goes too, whatever the
        # contract says of the same category for the people it keeps
        birthplace = p.get("place_of_birth") if isinstance(p.get("place_of_birth"), dict) else {}
        for value in birthplace.values():
            self._phrase(value, detail("PLACE_OF_BIRTH"), min_len=3)
        self._phrase(p.get("citizenship"), detail("NATIONALITY"), min_len=3)
        # "a Ukrainian national" names the country without its name
        for country in (birthplace.get("country"), p.get("citizenship")):
            if isinstance(country, str):
                for demonym in demonyms_by_country().get(country.strip().lower(), ()):
                    self._phrase(demonym, detail("NATIONALITY"), min_len=3)
        self._phrase(p.get("interpreter_language"), detail("NATIONALITY"), min_len=3)
        self._phrase(p.get("immigration_status"), detail("IMMIGRATION_STATUS"), min_len=3)

    def _add_categories(self, p: dict, stripped_categories) -> None:
        for category in stripped_categories:
            entity = _CATEGORY_ENTITY.get(category)
            if entity is None:
                continue
            for value in (_value_at(p, parts) for parts in _CATEGORY_PERSON_FIELDS[category]):
                if isinstance(value, str):
                    self._phrase(value, Term(entity), min_len=3)
                    digits = _digits(value)
                    if len(digits) >= self.MIN_DIGITS:
                        self._digits[digits] = Term(entity)

    # -- matching --------------------------------------------------------
    def analyze(self, text: str, entities=None, nlp_artifacts=None) -> list[RecognizerResult]:
        results = [self._result(term, start, end) for start, end, term in self._index.matches(text)]
        if self._digits:
            for m in _DIGIT_RUN.finditer(text):
                digits = _digits(m.group())
                for candidate in (digits, digits[-10:]):
                    term = self._digits.get(candidate)
                    if term is not None:
                        results.append(self._result(term, m.start(), m.end()))
                        break
        return results

    def _result(self, term: Term, start: int, end: int) -> RecognizerResult:
        return RecognizerResult(term.entity, start, end, 1.0,
                                recognition_metadata={"recognizer_name": self.name,
                                                      "ordinal": term.ordinal, "detail": term.detail})
