"""Where a sentence starts, as the name rules need it: a capital there says nothing."""


def at_sentence_start(text: str, start: int) -> bool:
    """Whether a word at `start` begins the text, a line, or a sentence ("." "!" "?" and a space).

    Walks back over the space before the word only, not over the text."""
    if start == 0:
        return True
    i = start
    while i > 0 and text[i - 1].isspace():
        i -= 1
    gap = text[i:start]
    return "\n" in gap or (bool(gap) and i > 0 and text[i - 1] in ".!?")
