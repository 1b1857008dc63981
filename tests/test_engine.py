"""The engine: Presidio's analyzer with feedshield's recognizers, as a worker builds it."""
import re

import pytest

from redaction_rules.address_blocks import with_address_blocks
from redaction_rules.name_neighbours import with_name_neighbours
from redaction_rules.name_repeats import with_repeated_names
from redaction_rules.recognizers import REGISTRY


@pytest.fixture(scope="module")
def engine():
    from redaction_rules.engine import Engine, load_engine_config
    return Engine(load_engine_config(None))


def test_the_engine_matches_presidio_patterns_in_any_case_as_presidio_registry_does(engine):
    for text in ("my iban is gb42nawi04454264788619", "MY IBAN IS GB42NAWI04454264788619"):
        results = engine.analyze_batch([text])[0]
        assert any(r.entity_type == "IBAN_CODE" and text[r.start:r.end].lower() == "gb42nawi04454264788619"
                   for r in results), text


def test_the_engine_forgets_the_words_of_a_batch_and_finds_what_it_would_without_forgetting(engine):
    """spaCy's memory zone evicts each batch's new words from the vocabulary
    (a long run would otherwise grow with every name it reads); the results
    must be the ones the same analysis gives outside a zone."""
    import fixtures
    texts = [record["narrative"] for record, _ in fixtures.generate(120, seed=91) if record.get("narrative")]
    texts.append("Zyxqvor Plimbrantik met Qwexor Trandelmoss at 4417 Vlorbish Ave.")
    strings = engine.nlp_engine.nlp["en"].vocab.strings
    engine.warm_up_texts = 1  # the tokenizer's cache fills outside a zone, on the first texts only
    engine.analyze_batch(["Warm-up: Quorbelline Praxtonwick was seen."])
    assert "Praxtonwick" in strings
    before = len(strings)
    zoned = engine.analyze_batch(texts)
    assert len(strings) == before and "Plimbrantik" not in strings

    def spans(results):
        return sorted((r.entity_type, r.start, r.end, r.score) for r in results)
    unzoned = [with_address_blocks(text, with_repeated_names(text, with_name_neighbours(
                   text, engine.analyzer.analyze(text, "en", nlp_artifacts=a))))
               for text, a in engine.nlp_engine.process_batch(texts, "en")]
    assert "Plimbrantik" in strings  # outside a zone the words stay: the check above can fail
    assert [spans(r) for r in zoned] == [spans(r) for r in unzoned]
    assert sum(len(r) for r in zoned) > 200


def test_the_engine_skips_presidios_context_step_only_where_it_would_return_the_results_as_given(engine, monkeypatch):
    """Presidio regroups every result by recognizer before its context
    enhancer; with no enhancer and no recognizer that enhances its own
    results, the regrouped list is the list it was given."""
    import functools
    import fixtures
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer

    texts = [record["narrative"] for record, _ in fixtures.generate(150, seed=5) if record.get("narrative")]
    artifacts = list(engine.nlp_engine.process_batch(texts, "en"))

    def analyzed():
        return [[(r.entity_type, r.start, r.end, r.score, r.recognition_metadata)
                 for r in engine.analyzer.analyze(text, "en", nlp_artifacts=a)] for text, a in artifacts]
    ours = analyzed()
    monkeypatch.setattr(engine.analyzer, "_enhance_using_context",
                        functools.partial(AnalyzerEngine._enhance_using_context, engine.analyzer))
    assert ours == analyzed()
    assert sum(map(len, ours)) > 1000
    monkeypatch.undo()

    class Raising(PatternRecognizer):
        def enhance_using_context(self, text, raw_recognizer_results, other_raw_recognizer_results,
                                  nlp_artifacts, context=None):
            for result in raw_recognizer_results:
                result.score = 0.99
            return raw_recognizer_results
    case_number = Raising(supported_entity="CASE_NUMBER", patterns=[Pattern("case", r"\bCN-\d{6}\b", 0.4)])
    found = engine.analyzer.analyze("Filed as CN-123456.", "en", ad_hoc_recognizers=[case_number])
    assert [(r.entity_type, r.score) for r in found if r.entity_type == "CASE_NUMBER"] == [("CASE_NUMBER", 0.99)]


def _engine_file(tmp_path, **changes):
    import yaml
    from importlib import resources
    config = yaml.safe_load(resources.files("redaction_rules").joinpath("engine.yaml").read_text())
    config.update(changes)
    path = tmp_path / "engine.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_a_recognizer_entry_overrides_its_defaults_and_nothing_is_special_cased_by_name(tmp_path):
    from redaction_rules.engine import Engine, load_engine_config
    path = _engine_file(tmp_path, presidio_recognizers=[], feedshield_recognizers=[
        {"name": "PersonNameRecognizer", "score": 0.45},
        {"name": "StreetAddressRecognizer", "patterns": [{"name": "case", "regex": r"\bCN-\d{6}\b", "score": 0.8}],
         "supported_entity": "CASE_NUMBER"}])
    engine = Engine(load_engine_config(path))
    text = "Einojuhani Pyysalo filed CN-123456 at 1234 N 5th St."
    got = {(r.entity_type, text[r.start:r.end], r.score) for r in engine.analyze_batch([text])[0]}
    assert ("PERSON", "Einojuhani Pyysalo", 0.45) in got
    assert ("CASE_NUMBER", "CN-123456", 0.8) in got
    assert not [g for g in got if g[0] == "STREET_ADDRESS"]


@pytest.mark.parametrize("entry,message", [
    ({"name": "PersonNameRecognizer", "scor": 0.5}, "unknown argument(s) scor (it takes"),
    ({"name": "NanpPhoneRecognizer", "supported_language": "de"}, "supported_language is the engine's"),
    ({"name": "NanpPhoneRecognizer", "patterns": [{"name": "x", "regex": "("}]}, "NanpPhoneRecognizer: "),
])
def test_a_bad_recognizer_argument_stops_the_engine_file_from_loading(tmp_path, entry, message):
    from redaction_rules.engine import EngineConfigError, load_engine_config
    with pytest.raises(EngineConfigError, match=re.escape(message)):
        load_engine_config(_engine_file(tmp_path, feedshield_recognizers=[entry]))


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_recognizer_takes_presidios_constructor_overrides(name):
    """As Presidio's own: a caller may rename it, and give it another language's label."""
    recognizer = REGISTRY[name](name="Renamed", supported_language="en")
    assert recognizer.name == "Renamed" and recognizer.supported_language == "en"
