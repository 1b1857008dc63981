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
  they end the line).
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
    if any(w.lower() in STOP_WORDS for w in words):
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
    lines = _lines(text)
    if len(lines) > 1:
        holds = [any(r.start < e and s < r.end for r in parts) for s, e in lines]
        short = [0 < e - s <= SHORT_LINE for s, e in lines]
        for i, (s, e) in enumerate(lines):
            if _UNIT_LINE.fullmatch(text, s, e) and i and short[i - 1] and any(
                    c.isdigit() for c in text[lines[i - 1][0]:lines[i - 1][1]]):
                added.append(RecognizerResult(ENTITY, *lines[i - 1], SCORE))
            if not holds[i]:
                continue
            for j in range(i + 1, min(i + MAX_GAP_LINES + 2, len(lines))):
                if holds[j]:
                    added += [RecognizerResult(ENTITY, *lines[k], SCORE) for k in range(i + 1, j)]
                    break
                if not short[j]:
                    break
    return results + added if added else results
