"""How common a word is in English, from wordfreq's bundled list: for building the gazetteers.

Workers do not import this (importing wordfreq and loading its table take
half a second and about 47 MB); what they need of it is in `gazetteers.json`.

`wordfreq.zipf_frequency` memoises every word it is asked about, so a
lookup in the frequency table that wordfreq loads anyway gives the same
figure without the memo.
"""
import math
from functools import cache

import wordfreq

from redaction_rules.recognizers.gazetteers import english_key


@cache
def _frequencies() -> dict[str, float]:
    return wordfreq.get_frequency_dict("en")


def zipf(word: str) -> float:
    """wordfreq's Zipf scale: 0 for a word it does not know, about 7.7 for "the"."""
    frequency = _frequencies().get(english_key(word))
    return _zipf(frequency)


def _zipf(frequency: float) -> float:
    return math.log10(frequency) + 9 if frequency else 0.0


def english_words(min_zipf: float) -> set[str]:
    """The words (as wordfreq keys them) at least `min_zipf` common: `zipf(w) >= min_zipf`
    exactly when `english_key(w)` is one of them."""
    return {word for word, frequency in _frequencies().items() if _zipf(frequency) >= min_zipf}
