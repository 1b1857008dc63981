"""The prebuilt gazetteers: what their sources give, and read without wordfreq."""
import pytest

from redaction_rules.recognizers import gazetteers
from tools import build_gazetteers


def test_the_prebuilt_gazetteers_are_what_their_sources_give():
    """A dependency upgrade that changes a list fails here until the file is rebuilt."""
    assert build_gazetteers.dumps(build_gazetteers.build()) == gazetteers.PATH.read_text(encoding="utf-8")


@pytest.mark.parametrize("word", ["the", "Grant", "hope", "Derek", "teresa", "Pyysalo", "Einojuhani", "ISTANBUL",
                                  "İstanbul", "Straße", "naïve", "x"])
def test_the_english_word_lists_answer_as_wordfreq_does(word):
    """Workers read the lists instead of wordfreq: a word is listed exactly when it is that common."""
    from tools.english_frequency import zipf
    lists = gazetteers.load()
    key = gazetteers.english_key(word)
    assert (key in lists["ordinary_english"]) == (zipf(word) >= gazetteers.RARE_PAIR_MAX_ZIPF)
    assert (key in lists["common_english"]) == (zipf(word) >= gazetteers.LONE_NAME_MAX_ZIPF)


def test_a_worker_analyses_without_importing_wordfreq():
    """wordfreq costs a worker half a second to import and tens of MB to hold; its answers are prebuilt."""
    import subprocess
    import sys
    probe = ("import sys; from redaction_rules.engine import Engine, load_engine_config; "
             "Engine(load_engine_config()).analyze_batch(['My name is Einojuhani Pyysalo; call Derek Nguyen.']); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'wordfreq'))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
