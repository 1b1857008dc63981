"""PrefilteredUrlRecognizer: Presidio's URLs, found only in the words that can hold one."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redaction_rules.recognizers import PrefilteredUrlRecognizer
from redaction_rules.recognizers.prefiltered_url_recognizer import candidates_only


def _spans(recognizer, text):
    return [(r.start, r.end, r.score) for r in recognizer.analyze(text, ["URL"])]


def _presidio():
    from presidio_analyzer.predefined_recognizers import UrlRecognizer
    return UrlRecognizer()


@pytest.mark.parametrize("text", [
    "see https://www.example.com/a?b=1 now", "SEE WWW.EXAMPLE.ORG", "posted on 'facebook.com' and \"x.io\"",
    "mail jdoe84@gmail.com", "Ave.Suite", "a.m. on 3.14", "At 10:30 a.m. the comp. stated. No URL here",
    "ends with a dot.", "numbers 1.5 and 2.0.1", "", "ünïcödé.ßtraße.de", "\"https://x.org/p\"\n'y.net'\tz.uk.",
    "long words beside it and a site: example.com.", "KELVIN.\u212aE and \u017f.io"])
def test_prefiltered_url_recognizer_finds_what_presidio_finds(text):
    assert _spans(PrefilteredUrlRecognizer(), text) == _spans(_presidio(), text)


def test_prefiltered_urls_are_presidio_urls_on_narratives():
    import fixtures
    texts = [record["narrative"] for record, _ in fixtures.generate(300, seed=78) if record.get("narrative")]
    ours, presidio = PrefilteredUrlRecognizer(), _presidio()
    found = [_spans(presidio, text) for text in texts]
    assert sum(map(len, found)) >= 10 and [_spans(ours, text) for text in texts] == found


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["www", ".", "com", "org", "uk", "https://", "/", "a", "Z9", "-", "@", " ", "\n",
                                 "\t", "'", '"', "(", ")", "<", "ß", "1", "x.io", "?q=1"]), max_size=30).map("".join))
def test_prefiltered_urls_are_presidio_urls_on_any_text_made_of_url_parts(text):
    assert _spans(PrefilteredUrlRecognizer(), text) == _spans(_presidio(), text)


def test_only_the_words_with_a_dot_and_a_letter_are_left_in_place():
    text = "He said\tsee x.org, or  1.5 (no)\nwww.A.b"
    masked = candidates_only(text)
    assert len(masked) == len(text) and masked.split() == ["x.org,", "www.A.b"]
    assert [masked.index(w) for w in masked.split()] == [text.index(w) for w in masked.split()]
