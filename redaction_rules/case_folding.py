"""Case folding that agrees with `re.IGNORECASE`.

`str.lower()` is not how a regular expression compares letters: under
IGNORECASE, Turkish dotless ı matches i (so "YILDIZ" matches "Yıldız"),
İ matches i, ſ matches s, ς matches σ. A cheap test that lower-cases
both sides before a whole-word match, or a phrase index that compares
lower-cased words, would miss what the match (or a reader) finds. Folding
maps every character to one character, so offsets in folded text are
offsets in the original.

The letters that match each other are found from Unicode's own case
mappings, as the regular expression engine finds them: two letters match
when one is the other's lower or upper case, or both fold to the same
string ("ﬅ" and "ﬆ" are both "st"), and whatever matches a letter that
matches another matches that one too. A test holds the table to what
`re.IGNORECASE` does on every cased character.
"""
from functools import cache


@cache
def _one_letter_per_case() -> dict[int, str]:
    """Every cased character to the least lower-case letter of those it matches.

    Built on first use, not at import: it reads the whole Unicode range
    (about a quarter of a second), and text that is all ASCII never needs it.
    """
    cased = [c for c in map(chr, range(0x110000)) if c.lower() != c or c.upper() != c or c.casefold() != c]
    parent: dict[str, str] = {}

    def root(c: str) -> str:
        while parent.setdefault(c, c) != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    same_fold: dict[str, list[str]] = {}
    for c in cased:
        for other in (c.lower(), c.upper()):
            if len(other) == 1 and other != c:
                parent[root(c)] = root(other)
        same_fold.setdefault(c.casefold(), []).append(c)
    for letters in same_fold.values():
        for c in letters[1:]:
            parent[root(c)] = root(letters[0])
    groups: dict[str, list[str]] = {}
    for c in list(parent):
        groups.setdefault(root(c), []).append(c)
    table = {}
    for members in groups.values():
        lower = [m for m in members if m.lower() == m] or members
        table.update({ord(m): min(lower) for m in members})
    table[0x130] = "i"  # İ lower-cases to two characters, i and a combining dot
    return table


def fold_case(text: str) -> str:
    """Strings re.IGNORECASE finds equal fold to the same string, of the same length."""
    if text.isascii():  # most text, and lower() is all it needs
        return text.lower()
    return text.translate(_one_letter_per_case())
