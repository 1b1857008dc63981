"""Matching many phrases at once, token by token.

Used where a recognizer looks for a list of phrases known in advance (a
record's people, a gazetteer of places): indexing phrases by their first
token and comparing token sequences, longest first, gives whole-word,
case- and spacing-blind matches without compiling a regular expression for
every record. Case is folded as regular expressions fold it, so a record's
"Yıldız" is found as "YILDIZ".
"""
import re
from collections.abc import Callable, Iterator

from redaction_rules.case_folding import fold_case

TOKEN = re.compile(r"\w+|[^\w\s]")


class PhraseIndex:
    def __init__(self, phrases: dict[str, object]):
        """`phrases`: phrase (in any case) -> what a match of it stands for."""
        self._index: dict[str, list[tuple[tuple[str, ...], object]]] = {}
        for phrase, value in phrases.items():
            tokens = tuple(TOKEN.findall(fold_case(phrase)))
            if tokens:
                self._index.setdefault(tokens[0], []).append((tokens, value))
        for candidates in self._index.values():
            candidates.sort(key=lambda c: -len(c[0]))

    def __bool__(self) -> bool:
        return bool(self._index)

    def matches(self, text: str, starts: Callable[[str], bool] | None = None) -> Iterator[tuple[int, int, object]]:
        """(start, end, value) of each longest match, left to right, not overlapping.

        `starts`, when given, must accept a match's first token as written.
        """
        found = list(TOKEN.finditer(text))
        folded = fold_case(text)
        words = [folded[m.start():m.end()] for m in found]
        i = 0
        while i < len(words):
            step = 1
            if starts is None or starts(found[i].group()):
                for tokens, value in self._index.get(words[i], ()):
                    n = len(tokens)
                    if tuple(words[i:i + n]) == tokens:
                        yield found[i].start(), found[i + n - 1].end(), value
                        step = n
                        break
            i += step
