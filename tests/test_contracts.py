from datetime import date

import pytest

from pipelines.cli import main
from redaction_rules.contract_loader import CONTRACTS_DIR, ContractError, load_contract, load_key

ICE_2009 = CONTRACTS_DIR / "ice-pars-2009.yaml"
SHIPPED = sorted(CONTRACTS_DIR.glob("*.yaml"))


def test_every_shipped_contract_is_valid_and_says_where_its_terms_come_from():
    assert {p.stem for p in SHIPPED} >= {"ice-pars-2008", "ice-pars-2009", "ice-pars-2009-no-birthplace",
                                         "courts-defender", "researchers", "open-data"}
    for path in SHIPPED:
        load_contract(path)
        assert path.read_text().startswith("#"), path
        assert "Where the terms come from" in path.read_text() or "same terms as" in path.read_text()


def _broken(tmp_path, old: str, new: str) -> list[str]:
    text = ICE_2009.read_text()
    assert old in text
    path = tmp_path / "c.yaml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContractError) as info:
        load_contract(path)
    return info.value.messages


def _line_of(tmp_path, text):
    lines = (tmp_path / "c.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line == text.splitlines()[0])


@pytest.mark.parametrize("old,new,key,message", [
    ("  expires_on: 2018-08-31", "  expires_in: 2018-08-31", "term/expires_in", "unknown key"),
    ("  expires_on: 2018-08-31", "  expires_on: 31/08/2018", "term/expires_on", "a date must be written YYYY-MM-DD"),
    ("recipient: U.S.", "recipent: U.S.", "recipient", "missing required key"),
    ("  status: terminated", "  status: expired", "term/status", "Input should be 'active', 'suspended' or 'terminated'"),
    ("  district: keep", "  district: kep", "fields/district", "does not match any of the expected tags"),
    ("  district: keep", "  district: {op: keep, why: x}", "fields/district/why", "unknown key"),
    ("  persons.dob: keep", "  persons.dob: {op: generalize, to: decade}", "fields/persons.dob/to", "Input should be"),
    ("  persons.dob: keep", "  persons.dob: {op: mask, keep_last: many}", "fields/persons.dob/keep_last", "not a whole number"),
    ("roles: [arrestee]", "roles: [arestee]", "roles/0", "Input should be"),
    ("strip: [immigration_status]", "strip: [immigration]", "strip/0", "Input should be"),
])
def test_structural_errors_name_file_line_and_key(tmp_path, old, new, key, message):
    messages = _broken(tmp_path, old, new)
    if message == "missing required key":  # reported where the mapping that lacks it starts
        line = next(i for i, l in enumerate((tmp_path / "c.yaml").read_text().splitlines(), 1) if not l.startswith("#"))
    else:
        line = _line_of(tmp_path, new)
    assert any(m == f"{tmp_path / 'c.yaml'}:{line}: {key}: {m.split(': ', 2)[2]}" and message in m
               for m in messages), (line, messages)


@pytest.mark.parametrize("old,new,key,message", [
    ("  district: keep", "  distrikt: keep", "fields/distrikt", "unknown field 'distrikt'"),
    ("  persons.citizenship: keep", "  persons.alien_number: keep", "fields/persons.alien_number",
     "its category 'immigration_status' is stripped"),
    ("  district: keep", "  district: {op: generalize, to: month}", "fields/district", "does not apply to district"),
    ("  district: keep", "  district: pseudonymize", "fields/district", "pseudonymize needs a pseudonymization key"),
    ("  narrative: redact_text", "  narrative: keep", "fields/narrative", "can only be sent through redact_text"),
    ("    PLACE_OF_BIRTH: keep", "    IMMIGRATION_STATUS: keep", "free_text/entities/IMMIGRATION_STATUS", "is kept but its category is stripped"),
    ("    VICTIM: numbered", "    VICTIM: keep", "free_text/entities/VICTIM", "names a removed role and cannot be kept"),
    ("    PERSON: tag", "    PERSON: hundred_block", "free_text/entities/PERSON", "hundred_block applies to STREET_ADDRESS only"),
    ("    PERSON: tag", "    person: tag", "free_text/entities", "must be upper case"),
    ("  city_places: philadelphia", "  city_places: gotham", "free_text/city_places", "no place list 'gotham'"),
    ("  expires_on: 2018-08-31", "  expires_on: 2008-08-31", "term/expires_on", "expires_on is before effective_from"),
    ("  expires_on: 2018-08-31\n", "", "term/status", "a terminated agreement needs expires_on or terminated_on"),
    ("roles: [arrestee]", "roles: [arrestee, arrestee]", "roles", "a role is listed twice"),
    ("roles: [arrestee]", "roles: [arrestee]\nexclude:\n  - rule: nothing", "exclude/0", "has no condition"),
    ("roles: [arrestee]", "roles: [arrestee]\nexclude:\n  - rule: sealed\n    district_in: ['24']", "exclude/0/rule", "built-in exclusion"),
    ("roles: [arrestee]", "roles: [arrestee]\npseudonymization: {key_env: A, key_file: b}", "pseudonymization", "exactly one of key_env and key_file"),
    ("  district: keep", "  district: keep\n  district: keep", "fields/district", "key given twice"),
])
def test_semantic_errors_name_file_line_and_key(tmp_path, old, new, key, message):
    messages = _broken(tmp_path, old, new)
    assert any(f": {key}: " in m and message in m for m in messages), messages


def test_not_yaml_and_not_a_mapping(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n")
    with pytest.raises(ContractError, match="not valid YAML"):
        load_contract(bad)
    bad.write_text("- a\n- b\n")
    with pytest.raises(ContractError, match="a contract is a YAML mapping"):
        load_contract(bad)
    with pytest.raises(ContractError, match="cannot read contract"):
        load_contract(tmp_path / "missing.yaml")


def test_lifecycle_by_date(tmp_path):
    c = load_contract(ICE_2009).contract
    assert c.in_force(date(2009, 8, 31))[0] is False
    assert c.in_force(date(2009, 9, 1))[0] is True
    assert c.in_force(date(2018, 8, 31))[0] is True
    in_force, why = c.in_force(date(2018, 9, 1))
    assert not in_force and "terminated on 2018-08-31" in why and "not renewed" in why
    path = tmp_path / "c.yaml"
    path.write_text(ICE_2009.read_text().replace("status: terminated", "status: suspended"))
    assert load_contract(path).contract.in_force(date(2012, 1, 1)) == (False, "suspended (" + c.term.reason + ")")
    path.write_text(ICE_2009.read_text().replace("status: terminated", "status: active")
                    .replace("  expires_on: 2018-08-31\n", ""))
    assert load_contract(path).contract.in_force(date(2030, 1, 1))[0] is True
    path.write_text(ICE_2009.read_text().replace("  status: terminated", "  status: terminated\n  terminated_on: 2012-01-01"))
    assert load_contract(path).contract.in_force(date(2012, 1, 2))[0] is False


def test_keys_come_from_env_or_file_never_the_contract(tmp_path):
    researchers = load_contract(CONTRACTS_DIR / "researchers.yaml")
    with pytest.raises(ContractError, match="FEEDSHIELD_KEY_RESEARCHERS is not set"):
        load_key(researchers, {})
    with pytest.raises(ContractError, match="shorter than 16 bytes"):
        load_key(researchers, {"FEEDSHIELD_KEY_RESEARCHERS": "short"})
    assert load_key(researchers, {"FEEDSHIELD_KEY_RESEARCHERS": "x" * 32}) == b"x" * 32
    (tmp_path / "k.key").write_text("y" * 40 + "\n")
    path = tmp_path / "c.yaml"
    path.write_text((CONTRACTS_DIR / "researchers.yaml").read_text().replace("key_env: FEEDSHIELD_KEY_RESEARCHERS", "key_file: k.key"))
    (tmp_path / "k.key").chmod(0o644)
    with pytest.raises(ContractError, match=r"can be read or written by others \(mode 0644\); allow only its owner: chmod 600"):
        load_key(load_contract(path), {})
    (tmp_path / "k.key").chmod(0o600)
    assert load_key(load_contract(path), {}) == b"y" * 40
    assert load_key(load_contract(ICE_2009), {}) is None


def test_validate_tool(capsys, tmp_path):
    assert main(["contract", "validate", *map(str, SHIPPED)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(ICE_2009.read_text().replace("  district: keep", "  distrct: keep"))
    assert main(["contract", "validate", str(bad)]) == 2
    assert "unknown field 'distrct'" in capsys.readouterr().err


def test_explain_tool(capsys):
    assert main(["contract", "explain", str(ICE_2009), "--as-of", "2012-05-01"]) == 0
    out = capsys.readouterr().out
    assert "in force on 2012-05-01: yes" in out
    assert "victim       removed" in out
    assert "persons.immigration_status" in out and "category immigration_status is stripped" in out
    assert "persons.ssn" in out and "not in the allowlist" in out
    assert "incident_location" in out and "generalized to hundred block" in out
    assert main(["contract", "explain", str(ICE_2009)]) == 0
    assert "NO (terminated on 2018-08-31" in capsys.readouterr().out


def test_diff_tool_2008_to_2009_shows_what_went_away(capsys):
    assert main(["contract", "diff", str(CONTRACTS_DIR / "ice-pars-2008.yaml"), str(ICE_2009)]) == 0
    out = capsys.readouterr().out
    for role in ("victim", "witness", "complainant"):
        assert f"  {role:<12} now hidden" in out
    assert "- persons.immigration_status: now hidden" in out
    assert "- persons.alien_number: now hidden" in out
    assert "- immigration_status: now stripped everywhere" in out
    assert "IMMIGRATION_STATUS: keep -> tag" in out


def test_diff_no_birthplace(capsys):
    main(["contract", "diff", str(ICE_2009), str(CONTRACTS_DIR / "ice-pars-2009-no-birthplace.yaml")])
    out = capsys.readouterr().out
    assert "- persons.place_of_birth.country: now hidden" in out
    assert "- persons.citizenship: now hidden" in out
    assert "people:\n  no change" in out


def test_the_entity_names_a_contract_may_give_are_what_the_engine_reports():
    from redaction_rules.contract import ENGINE_ENTITIES
    from redaction_rules.engine import Engine, load_engine_config
    engine = Engine(load_engine_config())
    reported = {e for r in engine.analyzer.registry.recognizers for e in r.supported_entities}
    assert reported == ENGINE_ENTITIES
