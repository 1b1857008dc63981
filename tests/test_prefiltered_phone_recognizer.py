"""PrefilteredPhoneRecognizer: Presidio's phone numbers, with less work."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redaction_rules.recognizers import PrefilteredPhoneRecognizer


def _phone_spans(recognizer, text):
    return sorted({(r.start, r.end, r.score) for r in recognizer.analyze(text, ["PHONE_NUMBER"])})


def _engine_phone_recognizer():
    from redaction_rules.engine import load_engine_config
    [entry] = [e for e in load_engine_config(None).feedshield_recognizers if e.name == "PrefilteredPhoneRecognizer"]
    return PrefilteredPhoneRecognizer(**entry.params)


def _assert_prefiltered_phones_are_presidios(texts, at_least):
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer
    ours, presidio = _engine_phone_recognizer(), PhoneRecognizer()
    assert "CA" not in ours.supported_regions
    assert sum(len(_phone_spans(presidio, text)) for text in texts) > at_least
    assert [_phone_spans(ours, text) for text in texts] == [_phone_spans(presidio, text) for text in texts]


def test_prefiltered_phones_are_presidio_phones_on_narratives():
    """CA shares the North American plan with US, and a candidate shorter than
    any valid number cannot match: dropping both saves work, not numbers."""
    import fixtures
    texts = [record["narrative"] for record, _ in fixtures.generate(300, seed=77) if record.get("narrative")]
    texts.append("Call 416-555-0199 or (604) 555 0142, 1-800-555-0100, +44 20 7946 0958, 030 901820, "
                 "+33 1 09 75 83 51, 022 2778 5200, 03-1234567, (11) 3456-7890, 514.555.0123, 1234, 089 1234.")
    _assert_prefiltered_phones_are_presidios(texts, at_least=200)


def test_prefiltered_phones_are_presidio_phones_on_presidio_research_texts():
    import json
    from tests.conftest import SHARED
    dataset = SHARED / "data" / "presidio-research" / "synth_dataset_v2.json"
    if not dataset.exists():
        pytest.skip("shared/ not beside the checkout: presidio-research's synthetic set is not here")
    texts = [item["full_text"] for item in json.loads(dataset.read_text())[:500]]
    _assert_prefiltered_phones_are_presidios(texts, at_least=15)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 +-().,/:x", min_size=1, max_size=40))
def test_prefiltered_phones_are_presidio_phones_on_any_digits(text):
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer
    assert _phone_spans(_engine_phone_recognizer(), text) == _phone_spans(PhoneRecognizer(), text)


def test_an_unknown_phone_region_is_an_error(tmp_path):
    import yaml
    from importlib import resources
    from redaction_rules.engine import EngineConfigError, load_engine_config
    config = yaml.safe_load(resources.files("redaction_rules").joinpath("engine.yaml").read_text())
    [entry] = [e for e in config["feedshield_recognizers"] if isinstance(e, dict)
               and e["name"] == "PrefilteredPhoneRecognizer"]
    entry["supported_regions"] = ["US", "XX"]
    path = tmp_path / "engine.yaml"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(EngineConfigError, match="PrefilteredPhoneRecognizer: ValueError: unknown phone regions: XX"):
        load_engine_config(path)
