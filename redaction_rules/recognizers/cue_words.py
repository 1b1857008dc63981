"""The words a cue introduces: "my name is ...", "her son ...", "born in ...".

Several recognizers take up to a few words after a phrase that introduces
a name or a place, each word accepted by the recognizer's own test, on the
cue's line only (spaces or tabs between the words, never a line break).
"""
import re
from collections.abc import Callable, Iterable

_GAP = re.compile(r"[ \t]+")


def words_after(text: str, cue_ends: Iterable[int], word: re.Pattern, accept: Callable[[str], bool],
                most: int = 3) -> list[tuple[int, int]]:
    """(start, end) of the accepted words after each cue end, or nothing for a cue none follows."""
    spans = []
    for start in cue_ends:
        end = start
        for _ in range(most):
            found = word.match(text, end)
            if not found or not accept(found.group()):
                break
            end = found.end()
            gap = _GAP.match(text, end)
            if not gap:
                break
            end = gap.end()
        end = start + len(text[start:end].rstrip())
        if end > start:
            spans.append((start, end))
    return spans
