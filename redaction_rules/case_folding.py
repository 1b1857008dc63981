"""Case folding that agrees with `re.IGNORECASE`.

`str.lower()` is not how a regular expression compares letters: under
IGNORECASE, Turkish dotless ı matches i (so "YILDIZ" matches "Yıldız"),
İ matches i, ſ matches s, ς matches σ. A cheap test that lower-cases
both sides before a whole-word match, or a phrase index that compares
lower-cased words, would miss what the match (or a reader) finds. Folding
maps every character to one character, so offsets in folded text are
offsets in the original.
"""
from re._casefix import _EXTRA_CASES


def _one_letter_per_case() -> dict[int, str]:
    table = {0x130: "i"}  # İ lower-cases to two characters, i and a combining dot
    for code, others in _EXTRA_CASES.items():
        group = {code, *others}
        for other in others:
            group.update(_EXTRA_CASES.get(other, ()))
        table.update({member: chr(min(group)) for member in group})
    return table


_CASES = _one_letter_per_case()


def fold_case(text: str) -> str:
    """Strings re.IGNORECASE finds equal fold to the same string, of the same length."""
    if text.isascii():  # most text, and lower() is all it needs
        return text.lower()
    return text.translate(_CASES).lower().translate(_CASES)
