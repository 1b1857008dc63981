"""Person-level scoring: of the labelled person mentions, how many left no word behind.

Character recall counts a name as mostly found when "Garcia" of "Luis
Garcia" is redacted and "Luis" is not; a recipient still reads "Luis".
Here a mention counts as removed only when no word of it survives (a word
survives when any of its letters is left unredacted), and mentions are
counted by the kinds that make names hard: one word alone, at a sentence
start, in the possessive, a name that is also a common English word, in
capitals, in lower case, with a hyphen or a particle, with a nickname.
A mention may be of several kinds; "all" counts each once.
"""
import re
from collections import defaultdict

from redaction_rules.sentences import at_sentence_start
from redaction_rules.recognizers.gazetteers import english_key, load, without_possessive

KINDS = ("all", "one word", "sentence start", "possessive", "common-word name", "ALL CAPS", "lower case",
         "hyphen or particle", "nickname")
PARTICLES = frozenset({"de", "da", "das", "do", "dos", "del", "della", "di", "du", "van", "von", "der", "den", "ter",
                       "le", "la", "al", "el", "bin", "ibn", "ben", "binti", "st", "mac", "abu", "ould"})
PERSON_TYPES = frozenset({"PERSON", "PER"})
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def kinds_of(text: str, start: int, end: int) -> set[str]:
    mention = text[start:end]
    words = _WORD.findall(mention)
    kinds = {"all"}
    if len(words) == 1:
        kinds.add("one word")
    if at_sentence_start(text, start):
        kinds.add("sentence start")
    if mention.endswith(("'s", "’s")) or text[end:end + 2] in ("'s", "’s"):
        kinds.add("possessive")
    common = load()["common_english"]
    if any(english_key(without_possessive(w)) in common for w in words):
        kinds.add("common-word name")
    if any(c.isalpha() for c in mention) and mention.isupper():
        kinds.add("ALL CAPS")
    if any(c.isalpha() for c in mention) and mention.islower():
        kinds.add("lower case")
    if "-" in mention or any(w.lower() in PARTICLES for w in words):
        kinds.add("hyphen or particle")
    if any(q in mention for q in "\"“”"):
        kinds.add("nickname")
    return kinds


def removed_mentions(items, predictions) -> dict[str, list[int]]:
    """Per kind, [mentions with no word left, mentions], from (start, end) predictions per text."""
    counts = defaultdict(lambda: [0, 0])
    for (text, spans), predicted in zip(items, predictions):
        redacted = bytearray(len(text))
        for start, end in predicted:
            redacted[start:end] = b"\x01" * (end - start)
        for start, end, entity in spans:
            if entity not in PERSON_TYPES:
                continue
            words = list(_WORD.finditer(text, start, end))
            if not words:
                continue
            gone = all(all(redacted[i] or not text[i].isalpha() for i in range(w.start(), w.end())) for w in words)
            for kind in kinds_of(text, start, end):
                counts[kind][0] += gone
                counts[kind][1] += 1
    return dict(counts)


def render(by_engine: dict[str, dict[str, list[int]]]) -> str:
    names = list(by_engine)
    lines = [f"{'person mentions removed':<26}" + "".join(f"{n:>14}" for n in names) + f"{'mentions':>10}"]
    for kind in KINDS:
        total = max((by_engine[n].get(kind, [0, 0])[1] for n in names), default=0)
        if not total:
            continue
        cells = "".join(f"{by_engine[n][kind][0] / by_engine[n][kind][1]:>14.3f}" for n in names)
        lines.append(f"  {kind:<24}{cells}{total:>10}")
    lines.append("(a mention is removed when no word of it is left)")
    return "\n".join(lines)
