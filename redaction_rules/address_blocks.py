"""An address is a block of text, not only the parts a pattern knows.

Patterns find the anchored parts of an address: a street with its number,
a unit, a postcode. The town between them has no anchor, and in an
address written over several lines ("Koskikatu 25 / Apt. 864 / Artilleros
/ Uruguay 64677") or continued after commas ("333 Golfskálinn 78,
Borgarnes") it is what says where the person lives. So, once the parts are
found:

- a short line between two lines that hold parts of an address is part of
  it too (at most `MAX_GAP_LINES` lines, each of at most `SHORT_LINE` characters);
- a short line with a number just above a line that is only a unit
  ("Apt. 576") is the street line;
- up to three comma-separated groups of one to four words after a part,
  ending the line or the sentence, are its town, region and country
  (capitalised and no common word; in text all in one case, only where
  they end the line);
- a building number just before a part ("594 Hegedûs Gyula utca 76."),
  and up to three name words after one that end its line or lead to a
  place the NER found ("Apt. 405 Sindi PR", "Suite 215 NUNGATTA
  Australia"), are part of it;
- parts with only spaces, commas or line breaks between them are one
  address ("PSC 6293, Box 8158 / APO AP 04336"): the commas between them
  would otherwise stay in the text, and one span lets the hundred-block
  operator see the street and its unit together;
- the line above an APO/FPO/DPO line is its unit or ship ("USNS Bergman").
"""
import re

from presidio_analyzer import RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

ENTITY = "STREET_ADDRESS"
SCORE = 0.6
MAX_GAP_LINES = 3
SHORT_LINE = 40
_CONTENT = re.compile(r"[\w(][^\n]*[\w.)]|\w")
_UNIT_LINE = re.compile(r"(?:apt|apartment|suite|ste|unit)\.?\s*#?\s*\d{1,5}[a-z]?\.?", re.IGNORECASE)
_WORD = r"[^\W\d_][\w'’.-]*"
_TAIL = re.compile(rf",[ \t]*({_WORD}(?:[ \t]+{_WORD}){{0,3}}(?:[ \t]+\d{{3,6}}(?:[ -]\d{{2,4}})?)?)"
                   rf"(?=[ \t]*(?:,|\n|$|[.?!](?:\s|$)))")


_LINE_END = re.compile(r"[ \t]*[.?!]?[ \t]*(?:\n|$)")
_LEAD_NUMBER = re.compile(r"(?<![\w.,/:-])\d{1,6}[ \t]+\Z")
_TOWN_AT_LINE_END = re.compile(rf"[ \t]+({_WORD}(?:[ \t]+{_WORD}){{0,3}})(?=[ \t]*[.?!]?[ \t]*(?:\n|$))")
_TOWN_BEFORE_PLACE = re.compile(rf"[ \t]+({_WORD}(?:[ \t]+{_WORD}){{0,2}})[ \t]*,?[ \t]*")
_JOIN_GAP = re.compile(r"[\s,;]*")
_POSTCODE_LINE = re.compile(r"(?:[^\W\d_]{1,3}[ \t]+)?\d{3,6}(?:[ -]\d{2,4})?\.?")
_PLACES = {"LOCATION", "NRP"}
# lower-case words inside place names ("Montealegre del Castillo", "Velká Bukovina u Decína")
_PARTICLES = {"de", "del", "della", "dei", "di", "da", "do", "dos", "das", "du", "des", "la", "le", "van",
              "von", "der", "den", "u", "v", "z", "na", "am", "an", "im", "bei", "sur", "en", "y"}
_MILITARY_POST = re.compile(r"[adf]po\b", re.IGNORECASE)
_CALENDAR = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
             "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "today", "yesterday", "tonight"}


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's content, without quoting marks or padding."""
    out, pos = [], 0
    for line in text.split("\n"):
        m = _CONTENT.search(line)
        out.append((pos + m.start(), pos + m.end()) if m else (pos, pos))
        pos += len(line) + 1
    return out


def _tail_ok(text: str, tail: re.Match, caseless: bool) -> bool:
    """Every word a name word; in one-case text, where nothing tells a town
    from "STATED THAT NEVAREZ", only a tail that ends its line or the text."""
    words = [w for w in tail.group(1).split() if not w[0].isdigit()]
    if not words or words[0] in _PARTICLES or words[-1] in _PARTICLES:
        return False
    words = [w for w in words if w not in _PARTICLES]
    if any(w.lower() in STOP_WORDS or w.lower() in _CALENDAR for w in words):
        return False
    if caseless:
        return _LINE_END.match(text, tail.end()) is not None
    return all(w[0].isupper() for w in words)


def with_address_blocks(text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
    parts = [r for r in results if r.entity_type == ENTITY]
    if not parts:
        return results
    caseless = text.isupper() or text.islower()
    added = []
    for r in parts:
        end = r.end
        for _ in range(3):
            m = _TAIL.match(text, end)
            if not m or not _tail_ok(text, m, caseless):
                break
            added.append(RecognizerResult(ENTITY, m.start(1), m.end(1), SCORE))
            end = m.end()
    places = [r for r in results if r.entity_type in _PLACES]
    lines = _lines(text)
    if len(lines) > 1:
        holds = [any(r.start < e and s < r.end for r in parts) for s, e in lines]
        short = [0 < e - s <= SHORT_LINE for s, e in lines]
        ends = [short[i] and (_POSTCODE_LINE.fullmatch(text, s, e) is not None or _all_place(text, s, e, places))
                for i, (s, e) in enumerate(lines)]
        for i, (s, e) in enumerate(lines):
            if _UNIT_LINE.fullmatch(text, s, e) and i and short[i - 1] and not holds[i - 1] and any(
                    c.isdigit() for c in text[lines[i - 1][0]:lines[i - 1][1]]):
                added.append(RecognizerResult(ENTITY, *lines[i - 1], SCORE))
            if holds[i] and i and short[i - 1] and not holds[i - 1] and _MILITARY_POST.match(text, s):
                added.append(RecognizerResult(ENTITY, *lines[i - 1], SCORE))   # the ship or unit line
            if not holds[i]:
                continue
            for j in range(i + 1, min(i + MAX_GAP_LINES + 2, len(lines))):
                if holds[j] or ends[j]:
                    last = j if holds[j] else j + 1
                    added += [RecognizerResult(ENTITY, *lines[k], SCORE) for k in range(i + 1, last)]
                    holds[j] = True
                    break
                if not short[j]:
                    break
    added += _around(text, parts + added, places, caseless)
    joined = _joined(text, parts + added, places)
    return results + added + joined if added or joined else results


def _around(text: str, parts: list, places: list, caseless: bool) -> list[RecognizerResult]:
    """A building number before a part; town words after one that end the line or meet a place."""
    out = []
    for r in parts:
        lead = _LEAD_NUMBER.search(text, max(0, r.start - 8), r.start)
        if lead:
            out.append(RecognizerResult(ENTITY, lead.start(), r.start, SCORE))
        town = None
        for place in places if not caseless else ():
            m = _TOWN_BEFORE_PLACE.fullmatch(text, r.end, place.start)
            if m and _tail_ok(text, m, caseless):
                town = m
                break
        if town is None:
            m = _TOWN_AT_LINE_END.match(text, r.end)
            if m and _tail_ok(text, m, caseless):
                town = m
        if town is not None:
            out.append(RecognizerResult(ENTITY, town.start(1), town.end(1), SCORE))
    return out


def _all_place(text: str, start: int, end: int, places: list) -> bool:
    """True when every letter of the line lies in a place the recognizers found ("Sweden."),
    and the line is not a label ("Mobile: ...", where the NER sees the city of Mobile)."""
    letters = [i for i in range(start, end) if text[i].isalpha()]
    return bool(letters) and ":" not in text[start:end] and all(any(p.start <= i < p.end for p in places) for i in letters)


def _joined(text: str, parts: list, places: list) -> list[RecognizerResult]:
    """One span for each run of parts with only spaces, commas, line breaks or places between them."""
    out = []
    runs: list[tuple[list, list]] = []   # ([end], members)
    for r in sorted(parts + places, key=lambda r: r.start):
        if runs and (r.start <= runs[-1][0][0] or _JOIN_GAP.fullmatch(text, runs[-1][0][0], r.start)):
            runs[-1][0][0] = max(runs[-1][0][0], r.end)
            runs[-1][1].append(r)
        else:
            runs.append(([r.end], [r]))
    for _, run in runs:
        members = [r for r in run if r.entity_type == ENTITY]
        if len(members) > 1:
            out.append(RecognizerResult(ENTITY, min(r.start for r in members), max(r.end for r in members),
                                        max(r.score for r in members)))
    return out
