"""Source mappings: how they are validated, how a row becomes a record, and CSV read as the pipeline reads it."""
import json
import re
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.read_csv import CsvUnreadable, iter_csv_chunk, scan_csv
from redaction_rules.row_mapper import RowMapper, Unreadable
from redaction_rules.source_mapping import SOURCES_DIR, CsvOptions, MappingError, load_mapping
from tests.conftest import REPO, SHARED
from tests.run_folders import feed_dir, read_manifest, withheld

NYPD = SOURCES_DIR / "nypd-arrests.yaml"
EXCERPT = REPO / "tests" / "data" / "nypd_arrests_excerpt.csv"
OPEN_DATA = REPO / "redaction_rules" / "contracts" / "open-data.yaml"
HEAD = "apiVersion: feedshield/v1\nkind: SourceMapping\nid: t\nversion: '1'\nformat: csv\n"


def mapping_file(tmp_path, body: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(HEAD + body)
    return path


def errors(tmp_path, body: str) -> list[str]:
    with pytest.raises(MappingError) as caught:
        load_mapping(mapping_file(tmp_path, body))
    return caught.value.messages


@pytest.mark.parametrize("body,line,message", [
    ("record: {record_id: ID, colour: C}\n", 6, "record/colour: unknown field 'colour'"),
    ("record: {record_id: ID}\npersons:\n  - {sex: S}\n", 8, "persons/0: role must be mapped"),
    ("record: {district: D}\n", 6, "record: record_id must be mapped"),
    ("record:\n  record_id: {column: ID, constant: x}\n", 7, "give exactly one of column, constant, template"),
    ("record:\n  record_id: {column: ID, colum: x}\n", 7, "record/record_id/colum: unknown key"),
    ("record:\n  record_id: ID\n  district: {column: D, date_format: '%Y'}\n", 8, "district is not a date"),
    ("record:\n  record_id: ID\n  persons.sex: S\n", 8, "persons.sex is a field of a list: map it under persons"),
    ("csv: {encoding: utf-16}\nrecord: {record_id: ID}\n", 6, "the encoding must write ASCII as ASCII"),
    ("csv: {encoding: klingon}\nrecord: {record_id: ID}\n", 6, "'klingon' is no encoding Python knows"),
    ("csv: {delimiter: ';;'}\nrecord: {record_id: ID}\n", 6, "csv/delimiter"),
    ("record:\n  record_id: {template: 'X-'}\n", 7, "a template names at least one column in braces"),
    ("record: {record_id: ID}\nrecord: {record_id: ID}\n", 7, "record: key given twice"),
])
def test_a_mapping_error_names_file_line_and_key(tmp_path, body, line, message):
    found = errors(tmp_path, body)
    assert any(m.startswith(f"{tmp_path / 'mapping.yaml'}:{line}: ") and message in m for m in found), found


def test_the_shipped_mappings_load():
    for path in SOURCES_DIR.glob("*.yaml"):
        assert load_mapping(path).mapping.columns


def row_mapper(tmp_path, body):
    return RowMapper(load_mapping(mapping_file(tmp_path, body)).mapping)


def test_a_row_becomes_a_record_by_columns_constants_templates_codes_and_dates(tmp_path):
    mapper = row_mapper(tmp_path, """record:
  record_id: {template: "NY-{KEY}-{BORO}"}
  arrest_datetime: {column: WHEN, datetime_format: "%m/%d/%Y %H:%M"}
  flags.juvenile: {column: AGE, codes: {"<18": true, "18-24": false}}
persons:
  - {role: {constant: arrestee}, sex: {column: SEX, codes: {M: M, F: F}}, dob: {column: DOB, date_format: "%Y%m%d"}}
charges:
  - {sequence: SEQ, class: {column: CAT, codes: {F: felony, V: summary}}}
""")
    row = {"KEY": "17", "BORO": "Q", "WHEN": "09/25/2021 14:05", "AGE": "<18", "SEX": "F", "DOB": "20050102",
           "SEQ": "2", "CAT": "V"}
    assert mapper.map(row) == {
        "record_id": "NY-17-Q", "arrest_datetime": "2021-09-25T14:05:00", "flags": {"juvenile": True},
        "persons": [{"role": "arrestee", "sex": "F", "dob": "2005-01-02"}],
        "charges": [{"sequence": 2, "class": "summary"}]}
    # an empty column is null, and so is a template with an empty column
    assert mapper.map({**row, "BORO": "", "SEX": " "})["record_id"] is None


@pytest.mark.parametrize("change,reason", [
    ({"AGE": "17"}, "flags.juvenile (column AGE): a value not in its code table"),
    ({"WHEN": "2021-09-25"}, "arrest_datetime (column WHEN): not a date in the format %m/%d/%Y %H:%M"),
    ({"SEQ": "two"}, "charges[0].sequence (column SEQ): not a whole number"),
    ({"DOB": "1/2/2005"}, "persons[0].dob (column DOB): not a date in the format %Y%m%d"),
])
def test_a_value_the_mapping_cannot_read_names_field_and_column_never_the_value(tmp_path, change, reason):
    mapper = row_mapper(tmp_path, """record:
  record_id: KEY
  arrest_datetime: {column: WHEN, datetime_format: "%m/%d/%Y %H:%M"}
  flags.juvenile: {column: AGE, codes: {"<18": true}}
persons:
  - {role: {constant: arrestee}, dob: {column: DOB, date_format: "%Y%m%d"}}
charges:
  - {sequence: SEQ}
""")
    row = {"KEY": "1", "WHEN": "09/25/2021 14:05", "AGE": "<18", "DOB": "20050102", "SEQ": "1", **change}
    with pytest.raises(Unreadable) as caught:
        mapper.map(row)
    assert str(caught.value) == reason and list(change.values())[0] not in str(caught.value)


def test_csv_rows_with_quoted_line_ends_split_into_chunks_at_row_starts_only(tmp_path):
    path = tmp_path / "export.csv"
    rows = [f'{i},"line one\nline two, with a comma",{"x" * (i % 3)}' for i in range(1, 12)]
    path.write_bytes(("\ufeffID,TEXT,OTHER\r\n" + "\r\n".join(rows) + "\r\n\r\n").encode("utf-8"))
    count, chunks = scan_csv(0, str(path), CsvOptions(), ["ID", "TEXT"], rows_per_chunk=4)
    assert count == 11 and [c.rows for c in chunks] == [4, 4, 3]
    read = [row for chunk in chunks for row in iter_csv_chunk(chunk)]
    assert [r.columns["ID"] for r in read] == [str(i) for i in range(1, 12)]
    assert [r.src[1] for r in read] == list(range(2, 24, 2))  # each row starts two lines after the last
    assert all(set(r.columns) == {"ID", "TEXT"} for r in read)  # OTHER is never read
    assert read[0].columns["TEXT"] == "line one\nline two, with a comma"


@pytest.mark.parametrize("content,message", [
    (b"ID,TEXT\n1,\"never closed\n", "line 2: not CSV (a quoted field never closed)"),
    (b"ID,TEXT\n1,caf\xe9\n", "line 2: not utf-8"),
    (b"KEY,TEXT\n1,x\n", "line 1: the header lacks the mapped column(s) ID"),
    (b"", "line 1: no header row"),
])
def test_a_csv_that_cannot_be_read_as_mapped_is_refused_with_its_line(tmp_path, content, message):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(CsvUnreadable, match=re.escape(message)):
        scan_csv(0, str(path), CsvOptions(), ["ID", "TEXT"])


def test_a_row_with_the_wrong_number_of_fields_is_a_dead_letter(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"ID,TEXT\n1,a\n2\n3,c,extra\n")
    _, chunks = scan_csv(0, str(path), CsvOptions(), ["ID"])
    read = [row for chunk in chunks for row in iter_csv_chunk(chunk)]
    assert [(r.src[1], r.problem) for r in read] == [(2, None), (3, "1 fields where the header has 2"),
                                                     (4, "3 fields where the header has 2")]


def _run(export: Path, out: Path, *extra: str) -> int:
    return main(["run", "--contract", str(OPEN_DATA), "--mapping", str(NYPD), "--input", str(export),
                 "--output", str(out), "--as-of", "2026-06-01", *extra])


def _check_nypd_run(export: Path, out: Path) -> None:
    rows = sum(1 for _ in export.open(encoding="utf-8")) - 1
    juveniles = sum(1 for line in export.open(encoding="utf-8") if ",<18," in line)
    assert _run(export, out) == 0
    manifest = read_manifest(out)
    counts = manifest["counts"]
    assert counts["input_records"] == rows and counts["excluded"] == {"juvenile": juveniles}
    assert counts["published"] + counts["suppressed_for_risk"] + juveniles == rows
    assert counts["dead_lettered"] == counts["quarantined"] == 0
    assert manifest["source"]["mapping"] == "nypd-arrests"
    feed = [json.loads(line) for p in sorted(feed_dir(out).iterdir()) for line in p.open()]
    assert len(feed) == counts["published"]
    mapped = {"arrest_datetime", "district", "persons", "charges"}
    assert all(set(record) <= mapped for record in feed)
    text = feed_dir(out).joinpath(sorted(p.name for p in feed_dir(out).iterdir())[0]).read_text()
    for column_value in ("POINT (", "40.7", "-73."):  # coordinates are never read
        assert column_value not in text


def test_the_nypd_excerpt_runs_end_to_end(tmp_path):
    _check_nypd_run(EXCERPT, tmp_path / "out")


def test_the_whole_nypd_file_runs_end_to_end(tmp_path):
    export = SHARED / "data" / "nypd-arrests" / "nypd_arrests_2021_queens.csv"
    if not export.exists():
        pytest.skip("shared/ not beside the checkout: the NYPD arrests file is not here")
    _check_nypd_run(export, tmp_path / "out")


def test_a_mapping_error_is_a_usage_error_and_reads_nothing(tmp_path, capsys):
    bad = mapping_file(tmp_path, "record: {colour: C}\n")
    code = main(["run", "--contract", str(OPEN_DATA), "--mapping", str(bad), "--input", str(EXCERPT),
                 "--output", str(tmp_path / "out"), "--as-of", "2026-06-01"])
    assert code == 2 and "unknown field 'colour'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_source_check_counts_each_field_and_names_unread_columns_without_a_value(tmp_path, capsys):
    export = tmp_path / "export.csv"
    export.write_text("ARREST_KEY,ARREST_DATE,ARREST_PRECINCT,AGE_GROUP,PERP_SEX,PERP_RACE,LAW_CODE,PD_DESC,"
                      "LAW_CAT_CD,SECRET_NOTE\n"
                      "1,09/25/2021,101,25-44,M,BLACK,PL 1,ASSAULT,F,Zelphina Quarrington\n"
                      "2,2021-09-25,101,25-44,X,BLACK,PL 1,ASSAULT,F,Zelphina Quarrington\n"
                      "3,09/26/2021,101,,M,WHITE,PL 2,LARCENY,Z,Zelphina Quarrington\n", encoding="utf-8")
    code = main(["source", "check", "--mapping", str(NYPD), "--input", str(export), "--json"])
    out = capsys.readouterr().out
    result = json.loads(out)
    assert code == 0 and result["rows"] == 3 and "Zelphina" not in out
    fields = result["fields"]
    assert fields["arrest_datetime"] == {"filled": 2, "empty": 0, "filled_share": 0.6667,
                                         "unreadable": {"not a date in the format %m/%d/%Y": 1}}
    assert fields["persons.sex"]["unreadable"] == {"a value not in its code table": 1}
    assert fields["flags.juvenile"]["empty"] == 1
    assert result["unread_columns"] == {"file": ["SECRET_NOTE"]}
    assert result["record_shape"]["charges"] == [{"person_id": "string", "sequence": "integer", "statute": "string",
                                                  "description": "string", "class": "string"}]


def test_source_check_fails_when_a_required_field_cannot_be_filled(tmp_path, capsys):
    export = tmp_path / "export.csv"
    # the first data row has lost its ARREST_KEY, so its record_id cannot be made
    export.write_text(EXCERPT.read_text(encoding="utf-8").replace("\n234040747,", "\n,", 1), encoding="utf-8")
    assert main(["source", "check", "--mapping", str(NYPD), "--input", str(export)]) == 5
    captured = capsys.readouterr()
    assert "required fields that some rows do not fill: record_id" in captured.out
    assert "record_id cannot be filled for every row" in captured.err


def _parquet_mapping(tmp_path) -> Path:
    mapping = tmp_path / "nypd-parquet.yaml"
    mapping.write_text(NYPD.read_text().replace("format: csv\ncsv: {delimiter: \",\", encoding: utf-8}\n",
                                                "format: parquet\n"))
    return mapping


def test_parquet_row_groups_read_as_the_csv_reads(tmp_path):
    """The NYPD excerpt as Parquet in row groups of 64: the same feed as the CSV, row numbers per file."""
    import csv as csv_module
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pipelines.read_parquet import iter_parquet_chunk, scan_parquet
    with EXCERPT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv_module.DictReader(handle))
    export = tmp_path / "arrests.parquet"
    pq.write_table(pa.Table.from_pylist(rows), export, row_group_size=64)
    count, chunks, names = scan_parquet(0, str(export), ["ARREST_KEY", "PERP_SEX"])
    assert count == 300 and [c.rows for c in chunks] == [64, 64, 64, 64, 44] and "Latitude" in names
    read = [row for chunk in chunks for row in iter_parquet_chunk(chunk)]
    assert [r.src[1] for r in read] == list(range(1, 301)) and set(read[0].columns) == {"ARREST_KEY", "PERP_SEX"}
    assert main(["run", "--contract", str(OPEN_DATA), "--mapping", str(_parquet_mapping(tmp_path)), "--input",
                 str(export), "--output", str(tmp_path / "p"), "--as-of", "2026-06-01"]) == 0
    assert _run(EXCERPT, tmp_path / "c") == 0
    feed = lambda out: [p.read_text() for p in sorted(feed_dir(out).iterdir())]  # noqa: E731
    assert feed(tmp_path / "p") == feed(tmp_path / "c")


def test_typed_parquet_values_reach_the_mapping_as_text(tmp_path):
    import datetime
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pipelines.read_parquet import iter_parquet_chunk, scan_parquet
    export = tmp_path / "typed.parquet"
    pq.write_table(pa.table({"ID": pa.array([7, 8], pa.int64()), "WHEN": [datetime.date(2021, 9, 25), None],
                             "FLAG": [True, False], "TAGS": [["a"], []]}), export)
    _, chunks, _ = scan_parquet(0, str(export), ["ID", "WHEN", "FLAG"])
    assert [r.columns for c in chunks for r in iter_parquet_chunk(c)] == [
        {"ID": "7", "WHEN": "2021-09-25", "FLAG": "true"}, {"ID": "8", "WHEN": "", "FLAG": "false"}]
    with pytest.raises(Exception, match="TAGS hold lists or structs"):
        scan_parquet(0, str(export), ["ID", "TAGS"])
    with pytest.raises(Exception, match="lacks the mapped column"):
        scan_parquet(0, str(export), ["NOPE"])


GROUPED = """record:
  record_id: {template: "INC-{INCIDENT}"}
  arrest_datetime: {column: WHEN, date_format: "%Y%m%d"}
  flags.juvenile: {column: JUV, codes: {Y: true, N: false}}
persons:
  - {person_id: PID, role: {column: ROLE, codes: {A: arrestee, V: victim}}, name.last: LAST}
charges:
  - {person_id: PID, statute: STATUTE, class: {column: CLASS, codes: {F: felony, M: misdemeanor}}}
group_by: INCIDENT
"""


def test_rows_that_share_a_key_are_one_record_with_each_person_and_charge_once(tmp_path):
    """One row per charge, the person repeated on each: the record gets every person once."""
    export = tmp_path / "charges.csv"
    export.write_text("INCIDENT,WHEN,JUV,PID,ROLE,LAST,STATUTE,CLASS\n"
                      "7,20180301,N,P1,A,Garrow,18-2701,M\n"
                      "9,20180302,N,P1,A,Okafor,35-780,F\n"
                      "7,20180301,N,P1,A,Garrow,18-3921,F\n"
                      "7,20180301,N,P2,A,Ilves,18-3921,F\n"
                      ",20180303,N,P1,A,Nobody,18-1,M\n", encoding="utf-8")
    mapping = mapping_file(tmp_path, GROUPED)
    count, _ = scan_csv(0, str(export), CsvOptions(), load_mapping(mapping).mapping.columns, "INCIDENT")
    assert count == 3  # incidents 7 and 9, and the row without an incident, alone
    ice = REPO / "redaction_rules" / "contracts" / "ice-pars-2009.yaml"
    out = tmp_path / "out"
    from tests.conftest import tolerant_contract
    assert main(["run", "--contract", str(tolerant_contract(ice)), "--mapping", str(mapping), "--input",
                 str(export), "--output", str(out), "--as-of", "2018-06-30"]) == 0
    feed = {r["record_id"]: r for p in feed_dir(out).iterdir() for r in map(json.loads, p.open())}
    assert set(feed) == {"INC-7", "INC-9"}
    seven = feed["INC-7"]
    assert [(p["person_id"], p["name"]["last"]) for p in seven["persons"]] == [("P1", "Garrow"), ("P2", "Ilves")]
    assert [(c["person_id"], c["statute"]) for c in seven["charges"]] == [
        ("P1", "18-2701"), ("P1", "18-3921"), ("P2", "18-3921")]
    manifest = read_manifest(out)
    assert manifest["counts"]["input_records"] == 3 and manifest["counts"]["dead_lettered"] == 1
    dead = [json.loads(line) for line in (withheld(out, "dead-letter") / "part-00000-of-00001.jsonl").open()]
    assert [d["reason"] for d in dead] == [f"line 6 of file {export}: no value in its group_by column INCIDENT"]


def test_rows_of_one_record_that_disagree_on_a_record_field_make_it_a_dead_letter(tmp_path):
    export = tmp_path / "charges.csv"
    export.write_text("INCIDENT,WHEN,JUV,PID,ROLE,LAST,STATUTE,CLASS\n"
                      "7,20180301,N,P1,A,Garrow,18-2701,M\n"
                      "7,20180309,N,P1,A,Garrow,18-3921,F\n", encoding="utf-8")
    out = tmp_path / "out"
    from tests.conftest import tolerant_contract
    ice = REPO / "redaction_rules" / "contracts" / "ice-pars-2009.yaml"
    assert main(["run", "--contract", str(tolerant_contract(ice)), "--mapping", str(mapping_file(tmp_path, GROUPED)),
                 "--input", str(export), "--output", str(out), "--as-of", "2018-06-30",
                 "--allow-empty"]) == 0
    dead = [json.loads(line) for line in (withheld(out, "dead-letter") / "part-00000-of-00001.jsonl").open()]
    assert [d["reason"] for d in dead] == [
        f"line 2 of file {export}: the rows of one record (by group_by) disagree on a record field"]


def test_group_by_takes_one_entry_a_section_and_is_not_for_databases(tmp_path):
    found = errors(tmp_path, GROUPED.replace("charges:\n", "charges:\n  - {statute: S2}\n"))
    assert any("with group_by, give one charges entry" in m for m in found), found
