"""PrefilteredUrlRecognizer: Presidio's URLs, only where a URL can be."""
import pytest

from redaction_rules.recognizers import PrefilteredUrlRecognizer


@pytest.mark.parametrize("text", [
    "see https://www.example.com/a?b=1 now", "SEE WWW.EXAMPLE.ORG", "posted on 'facebook.com' and \"x.io\"",
    "mail jdoe84@gmail.com", "Ave.Suite", "a.m. on 3.14", "At 10:30 a.m. the comp. stated. No URL here",
    "ends with a dot.", "numbers 1.5 and 2.0.1", "", "ünïcödé.ßtraße.de"])
def test_prefiltered_url_recognizer_finds_what_presidio_finds(text):
    from presidio_analyzer.predefined_recognizers import UrlRecognizer
    presidio = [(r.start, r.end, r.score) for r in UrlRecognizer().analyze(text, ["URL"])]
    assert [(r.start, r.end, r.score) for r in PrefilteredUrlRecognizer().analyze(text, ["URL"])] == presidio
