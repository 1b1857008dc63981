"""Fuzzing the two readers of untrusted text: the record parser and the contract loader.

Bounded in examples and without deadlines, so the suite's time stays
flat. The properties: nothing but a record or a reason comes out of the
parser (no exception), a reason never quotes a value, whatever is
accepted is a record the spec allows and that can be written as strict
JSON; the contract loader either returns a contract or raises
`ContractError`, never anything else.
"""
import json
import math

import fastjsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redaction_rules.contract_loader import CONTRACTS_DIR, ContractError, load_contract
from redaction_rules.fields import record_schema
from redaction_rules.record_parser import RecordParser
from tests.bad_input_corpus import base

PARSER = RecordParser(record_schema())
MARK = "Qzvx"  # every string value of a mutated record starts with it; no reason may hold it
VALID = json.dumps(base(1)).encode()


def _mark_strings(node):
    if isinstance(node, str):
        return MARK + node
    if isinstance(node, list):
        return [_mark_strings(v) for v in node]
    if isinstance(node, dict):
        return {k: _mark_strings(v) for k, v in node.items()}
    return node


def _check(raw: bytes) -> None:
    record, reason = PARSER.parse(raw)
    assert (record is None) != (reason is None)
    if record is None:
        assert MARK not in reason
        return
    text = json.dumps(record, ensure_ascii=False, allow_nan=False)
    text.encode("utf-8")
    PARSER.validate(json.loads(text))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_give_a_record_or_a_reason(raw):
    _check(raw)


JSON_TOKENS = [b"{", b"}", b"[", b"]", b",", b":", b'"', b"\\", b"\\u", b"\\ud800", b"NaN", b"1e400", b"-",
               b"null", b"true", b'"role": "arrestee"', b'"role": ', b'"persons": ', b"\x00", b"\xff", b"\r", b"\n"]


@st.composite
def mutated_records(draw):
    raw = json.dumps(_mark_strings(base(draw(st.integers(1, 50)))), ensure_ascii=draw(st.booleans())).encode()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        token = draw(st.sampled_from(JSON_TOKENS) | st.binary(min_size=1, max_size=3))
        if kind == "insert":
            raw = raw[:at] + token + raw[at:]
        elif kind == "delete":
            raw = raw[:at] + raw[at + draw(st.integers(1, 8)):]
        elif kind == "replace":
            raw = raw[:at] + token + raw[at + len(token):]
        else:
            raw = raw[:at]
    return raw


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_records())
def test_mutated_records_give_a_record_or_a_reason_that_quotes_nothing(raw):
    _check(raw)


@st.composite
def mutated_values(draw):
    record = _mark_strings(base(draw(st.integers(1, 50))))
    leaves = []

    def walk(node, path):
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            leaves.append((node, key))
            walk(value, path + (key,))
    walk(record, ())
    node, key = draw(st.sampled_from(leaves))
    node[key] = draw(st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20).map(lambda t: MARK + t), st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
        st.sampled_from([MARK + "03/01/2005", MARK + "2005-02-30", "2018-03-04 10:20:00 EST", "2005-3-1"])))
    return json.dumps(record).encode()


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_values())
def test_a_value_of_any_type_anywhere_gives_a_record_or_a_reason(raw):
    _check(raw)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_values())
def test_the_deciding_schema_check_and_the_explaining_one_agree(raw):
    """jsonschema-rs decides and fastjsonschema explains: a record one admits and the other
    refuses would be published on one check's word, or refused with no reason."""
    record = json.loads(raw)
    try:
        PARSER.validate(record)
        explained = True
    except fastjsonschema.JsonSchemaValueException:
        explained = False
    assert PARSER.admits(record) == explained


def test_an_accepted_number_is_finite():
    record, _ = PARSER.parse(VALID[:-1] + b', "bail": {"amount": 1e308}}')
    assert math.isfinite(record["bail"]["amount"])


CONTRACT = (CONTRACTS_DIR / "ice-pars-2009.yaml").read_text()
YAML_TOKENS = ["&a ", "*a", "<<: ", "{", "}", "[", "]", ": ", "- ", "\t", "'", '"', "!!python/object ", "?", "|",
               "yes", "1e400", ".nan", "~", "\n  ", "\n", "#", "%YAML 1.2\n", "---\n", "...\n", "@", "`"]


@st.composite
def mutated_contracts(draw):
    lines = CONTRACT.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "insert", "swap"]))
        if kind == "delete":
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap" and at + 1 < len(lines):
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
        else:
            column = draw(st.integers(0, len(lines[at])))
            token = draw(st.sampled_from(YAML_TOKENS) | st.text(max_size=4))
            lines[at] = lines[at][:column] + token + lines[at][column:]
    return "\n".join(lines) + "\n"


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutated_contracts())
def test_a_mutated_contract_loads_or_is_refused_with_contract_errors(tmp_path, text):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_contract(path)
    except ContractError as exc:
        assert exc.messages and all(m.startswith(str(path)) for m in exc.messages)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_random_bytes_as_a_contract_are_refused_with_contract_errors(tmp_path, raw):
    path = tmp_path / "c.yaml"
    path.write_bytes(raw)
    try:
        load_contract(path)
    except ContractError as exc:
        assert exc.messages
