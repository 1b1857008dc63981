"""A corpus of bad, careless and hostile input, generated: what each case is and where it must end.

Record cases are lines of one export, run together (many bad lines in one
input is what a real export looks like, and one run checks them all).
Each names where its record must end: a dead letter with a reason, an
exclusion rule, or the feed. Every line carries personal values of its
own, unique to the case (a victim's surname, phone, street; an alien
number), that must never appear in what a run prints, its manifest, or
its feed: only in the owner-only dead-letter and quarantine files.

File, contract, engine and flag cases each need a run of their own and
are listed apart.
"""
import bz2
import copy
import gzip
import json
from dataclasses import dataclass, field

DEAD, EXCLUDED, PUBLISHED = "dead_letter", "excluded", "published"


def _letters(i: int) -> str:
    out = ""
    for _ in range(3):
        i, r = divmod(i, 26)
        out += "abcdefghijklmnopqrstuvwxyz"[r]
    return out


@dataclass
class Case:
    name: str
    line: bytes
    outcome: str                  # DEAD, EXCLUDED or PUBLISHED
    reason: str | None = None     # a fragment of the dead letter's reason, or the exclusion rule
    secrets: tuple[str, ...] = field(default_factory=tuple)


def base(i: int) -> dict:
    """A valid record whose victim and immigration values are unique to case i."""
    tag = _letters(i)
    surname = f"Vexmarrow{tag}"
    return {
        "record_id": f"CORPUS-{i:04d}",
        "dc_number": f"2018{i:06d}",
        "arrest_datetime": "2018-03-04T10:20:00",
        "district": "24",
        "incident_location": "3100 N Front St",
        "persons": [
            {"person_id": "P1", "role": "arrestee", "name": {"first": "Dana", "last": "Kowalczyk"},
             "dob": "1980-05-06", "sex": "F", "immigration_status": f"overstay{tag}",
             "alien_number": f"A{700000000 + i}"},
            {"person_id": "P2", "role": "victim", "name": {"first": "Ilse", "last": surname},
             "dob": "1975-01-02", "phone": f"215-555-{1000 + i}",
             "address": {"line1": f"{4100 + i} Quorvane{tag} Street", "city": "Philadelphia", "state": "PA",
                         "zip": "19134"}},
        ],
        "charges": [{"person_id": "P1", "sequence": 1, "statute": "18 Pa.C.S. 2701",
                     "description": "Simple assault", "grade": "M2", "class": "misdemeanor"}],
        "detention": {"status": "held", "facility": "CFCF"},
        "narrative": f"Victim Ilse {surname} stated the defendant struck her.",
        "flags": {"juvenile": False, "sealed": False, "expunged": False},
    }


def secrets_of(record: dict) -> tuple[str, ...]:
    victim = record["persons"][1]
    return (victim["name"]["last"], victim["phone"], victim["address"]["line1"],
            record["persons"][0]["immigration_status"], record["persons"][0]["alien_number"])


def _dumps(record) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def _edit(change):
    """A case from a change to the base record (the change may return raw bytes instead)."""
    def make(i):
        record = base(i)
        made = change(record)
        return made if isinstance(made, bytes) else _dumps(record)
    return make


def _parent(record: dict, path: str):
    """The container of a dotted path's last part, and that part (an index for a list)."""
    node = record
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node, int(last) if isinstance(node, list) else last


def _set(path: str, value):
    def change(record):
        node, key = _parent(record, path)
        node[key] = value
    return _edit(change)


def _drop(path: str):
    def change(record):
        node, key = _parent(record, path)
        del node[key]
    return _edit(change)


def _raw(transform):
    """A case from the base record's JSON text."""
    def make(i):
        return transform(_dumps(base(i)), i)
    return make


def _nested(depth: int, opener="[", closer="]") -> str:
    return opener * depth + closer * depth


def _persons(count: int):
    def change(record):
        victim = record["persons"][1]
        record["persons"] += [dict(copy.deepcopy(victim), person_id=f"P{n}") for n in range(3, count + 1)]
    return _edit(change)


# (name, maker, outcome, reason fragment or rule)
RECORD_CASES = [
    # -- not JSON -------------------------------------------------------------------------
    *[(f"cut at {pct}%", _raw(lambda t, i, p=pct: t[:len(t) * p // 100]), DEAD, "not JSON") for pct in (5, 25, 50, 75, 99)],
    ("missing closing brace", _raw(lambda t, i: t[:-1]), DEAD, "not JSON"),
    ("trailing comma", _raw(lambda t, i: t[:-1] + b",}"), DEAD, "not JSON"),
    ("single quotes", _raw(lambda t, i: t.replace(b'"record_id"', b"'record_id'")), DEAD, "not JSON"),
    ("unquoted key", _raw(lambda t, i: t.replace(b'"district"', b"district")), DEAD, "not JSON"),
    ("a comment", _raw(lambda t, i: b"// export\n"[:-1] + t), DEAD, "not JSON"),
    ("two objects on one line", _raw(lambda t, i: t + t), DEAD, "not JSON"),
    ("garbage after the object", _raw(lambda t, i: t + b" x"), DEAD, "not JSON"),
    ("a JSON array", _raw(lambda t, i: b"[" + t + b"]"), DEAD, "not a JSON object"),
    ("a JSON string", _raw(lambda t, i: json.dumps(t.decode()).encode()), DEAD, "not a JSON object"),
    ("a JSON number", _raw(lambda t, i: b"42"), DEAD, "not a JSON object"),
    ("JSON null", _raw(lambda t, i: b"null"), DEAD, "not a JSON object"),
    ("JSON true", _raw(lambda t, i: b"true"), DEAD, "not a JSON object"),
    ("an empty object", _raw(lambda t, i: b"{}"), DEAD, "record: missing record_id, persons"),
    ("python repr", _raw(lambda t, i: repr(json.loads(t)).encode()), DEAD, "not JSON"),
    ("a raw tab and newline escape broken", _raw(lambda t, i: t.replace(b"stated", b"sta\\ted\\q")), DEAD, "not JSON"),
    ("a raw control character", _raw(lambda t, i: t.replace(b"stated", b"sta\x01ted")), DEAD, "not JSON"),
    ("a bare CR inside a string", _raw(lambda t, i: t.replace(b"stated", b"sta\rted")), DEAD, "carriage return"),
    ("a CR between tokens is whitespace", _raw(lambda t, i: t.replace(b", ", b",\r ", 3)), PUBLISHED, None),
    # -- encoding ---------------------------------------------------------------------------
    ("invalid UTF-8 byte", _raw(lambda t, i: t.replace(b"Vexmarrow", b"Vex\xffmarrow")), DEAD, "not UTF-8"),
    ("overlong UTF-8", _raw(lambda t, i: t.replace(b"Vexmarrow", b"Vex\xc0\xafmarrow")), DEAD, "not UTF-8"),
    ("UTF-16", _raw(lambda t, i: t.decode().encode("utf-16-le")), DEAD, "is the file UTF-16?"),
    ("Latin-1", _raw(lambda t, i: t.replace(b"Ilse", "Ils\u00e9".encode("latin-1"))), DEAD, "not UTF-8"),
    ("a raw NUL byte", _raw(lambda t, i: t.replace(b"Vexmarrow", b"Vex\x00marrow")), DEAD, "not JSON"),
    ("a truncated multibyte character", _raw(lambda t, i: t.replace(b"Ilse", "Ils\u00e9".encode()[:-1])), DEAD, "not UTF-8"),
    ("a lone high surrogate", _raw(lambda t, i: t.replace(b"Vexmarrow", b"Vex\\ud800marrow")), DEAD, "lone surrogate"),
    ("a lone low surrogate", _raw(lambda t, i: t.replace(b"Vexmarrow", b"Vex\\udfffmarrow")), DEAD, "lone surrogate"),
    ("reversed surrogates", _raw(lambda t, i: t.replace(b"Vexmarrow", b"Vex\\ude00\\ud83dmarrow")), DEAD, "lone surrogate"),
    ("a surrogate in the narrative", _raw(lambda t, i: t.replace(b"struck", b"str\\uDBFFuck")), DEAD, "lone surrogate"),
    ("an escaped NUL", _raw(lambda t, i: t.replace(b"Vexmarrow", b"Vex\\u0000marrow")), PUBLISHED, None),
    ("a surrogate pair (emoji)", _raw(lambda t, i: t.replace(b"struck", b"struck \\ud83d\\ude00")), PUBLISHED, None),
    ("an escaped backslash before u", _raw(lambda t, i: t.replace(b"struck", b"struck \\\\ud800")), PUBLISHED, None),
    ("non-Latin names", _set("persons.1.name.first", "\u0418\u043b\u044c\u044f \u674e"), PUBLISHED, None),
    # -- numbers ----------------------------------------------------------------------------
    ("a 5,000-digit number", _raw(lambda t, i: t.replace(b'"sequence": 1', b'"sequence": ' + b"9" * 5000)), DEAD, "number too long"),
    ("a 5,000-digit number in an unknown field", _raw(lambda t, i: t[:-1] + b', "x": ' + b"1" * 5000 + b"}"), DEAD, "number too long"),
    ("NaN", _raw(lambda t, i: t[:-1] + b', "bail": {"amount": NaN}}'), DEAD, "NaN is not a JSON number"),
    ("Infinity", _raw(lambda t, i: t[:-1] + b', "bail": {"amount": Infinity}}'), DEAD, "Infinity is not a JSON number"),
    ("-Infinity", _raw(lambda t, i: t[:-1] + b', "bail": {"amount": -Infinity}}'), DEAD, "Infinity is not a JSON number"),
    ("1e400", _raw(lambda t, i: t[:-1] + b', "bail": {"amount": 1e400}}'), DEAD, "out of range"),
    ("-1e400", _raw(lambda t, i: t[:-1] + b', "bail": {"amount": -1e400}}'), DEAD, "out of range"),
    ("NaN in an unknown field", _raw(lambda t, i: t[:-1] + b', "score": NaN}'), DEAD, "NaN is not a JSON number"),
    ("1e300 is a number", _raw(lambda t, i: t[:-1] + b', "bail": {"amount": 1e300}}'), PUBLISHED, None),
    ("a 4,000-digit integer is a number", _raw(lambda t, i: t[:-1] + b', "bail": {"amount": ' + b"7" * 4000 + b"}}"), PUBLISHED, None),
    # -- duplicate keys -----------------------------------------------------------------------
    ("role given twice", _raw(lambda t, i: t.replace(b'"role": "victim"', b'"role": "victim", "role": "arrestee"')), DEAD, 'given twice in one object: "role"'),
    ("persons given twice", _raw(lambda t, i: t[:-1] + b', "persons": []}'), DEAD, 'given twice in one object: "persons"'),
    ("record_id given twice", _raw(lambda t, i: t[:-1] + b', "record_id": "OTHER"}'), DEAD, 'given twice in one object: "record_id"'),
    ("name.last given twice", _raw(lambda t, i: t.replace(b'"last": "Kowalczyk"', b'"last": "Kowalczyk", "last": "Smith"')), DEAD, '"last"'),
    ("flags.sealed given twice", _raw(lambda t, i: t.replace(b'"sealed": false', b'"sealed": true, "sealed": false')), DEAD, '"sealed"'),
    ("an unknown key given twice", _raw(lambda t, i: t[:-1] + b', "Vexmarrowkey": 1, "Vexmarrowkey": 2}'), DEAD, "a key outside the spec"),
    # -- nesting ------------------------------------------------------------------------------
    ("100,000 nested arrays", _raw(lambda t, i: t[:-1] + b', "x": ' + _nested(100_000).encode() + b"}"), DEAD, "nested too deeply"),
    ("5,000 nested objects", _raw(lambda t, i: t[:-1] + b', "x": ' + ('{"a":' * 5000 + "1" + "}" * 5000).encode() + b"}"), DEAD, "nested too deeply"),
    ("50 nested arrays in an unknown field", _raw(lambda t, i: t[:-1] + b', "x": ' + _nested(50).encode() + b"}"), PUBLISHED, None),
    ("an unknown object nested in name", _set("persons.0.name.nickname", {"a": {"b": "Vexmarrowalias"}}), PUBLISHED, None),
    # -- wrong types, per field kind -----------------------------------------------------------
    ("record_id a number", _set("record_id", 42), DEAD, "record_id: not a string"),
    ("record_id empty", _set("record_id", ""), DEAD, "record_id: empty"),
    ("record_id null", _set("record_id", None), DEAD, "record_id: not a string"),
    ("record_id missing", _drop("record_id"), DEAD, "record: missing record_id"),
    ("persons an object", _set("persons", {"P1": {"role": "arrestee"}}), DEAD, "persons: not an array"),
    ("persons a string", _set("persons", "Dana Kowalczyk"), DEAD, "persons: not an array"),
    ("persons null", _set("persons", None), DEAD, "persons: not an array"),
    ("persons missing", _drop("persons"), DEAD, "record: missing persons"),
    ("a person a string", _set("persons.1", "Ilse Vexmarrow"), DEAD, "persons[1]: not an object"),
    ("a person without role", _drop("persons.1.role"), DEAD, "persons[1]: missing role"),
    ("role suspect", _set("persons.1.role", "suspect"), DEAD, "persons[1].role: not one of the allowed values"),
    ("role in capitals", _set("persons.0.role", "ARRESTEE"), DEAD, "persons[0].role: not one of the allowed values"),
    ("role null", _set("persons.1.role", None), DEAD, "persons[1].role: not one of the allowed values"),
    ("role a number", _set("persons.1.role", 2), DEAD, "persons[1].role: not one of the allowed values"),
    ("role with a space", _set("persons.1.role", "victim "), DEAD, "persons[1].role: not one of the allowed values"),
    ("name a string", _set("persons.1.name", "Ilse Vexmarrow"), DEAD, "persons[1].name: not an object or null"),
    ("first name a number", _set("persons.1.name.first", 7), DEAD, "persons[1].name.first: not a string or null"),
    ("last name a list", _set("persons.1.name.last", ["Vexmarrow"]), DEAD, "persons[1].name.last: not a string or null"),
    ("aliases a string", _set("persons.0.aliases", "Vexmarrowalias"), DEAD, "persons[0].aliases: not an array or null"),
    ("an alias a number", _set("persons.0.aliases", [1]), DEAD, "persons[0].aliases[0]: not a string"),
    ("phone a number", _set("persons.1.phone", 2155550143), DEAD, "persons[1].phone: not a string or null"),
    ("address a string", _set("persons.1.address", "4100 Quorvane Street"), DEAD, "persons[1].address: not an object or null"),
    ("zip a number", _set("persons.1.address.zip", 19134), DEAD, "persons[1].address.zip: not a string or null"),
    ("dob a number", _set("persons.0.dob", 19800506), DEAD, "persons[0].dob: not a string or null"),
    ("dob US style", _set("persons.0.dob", "03/01/2005"), DEAD, "persons[0].dob: not a date written YYYY-MM-DD"),
    ("dob 30 February", _set("persons.0.dob", "2005-02-30"), DEAD, "persons[0].dob: not a date"),
    ("dob without leading zeros", _set("persons.0.dob", "2005-3-1"), DEAD, "persons[0].dob: not a date"),
    ("dob with a time", _set("persons.0.dob", "2005-03-01T00:00:00"), DEAD, "persons[0].dob: not a date"),
    ("dob with spaces", _set("persons.0.dob", " 2005-03-01"), DEAD, "persons[0].dob: not a date"),
    ("dob in Arabic-Indic digits", _set("persons.0.dob", "\u0662\u0660\u0660\u0665-03-01"), DEAD, "persons[0].dob: not a date"),
    ("dob of a victim US style", _set("persons.1.dob", "01/02/1975"), DEAD, "persons[1].dob: not a date"),
    ("arrest date US style", _set("arrest_datetime", "03/04/2018 10:20"), DEAD, "arrest_datetime: not a date written"),
    ("arrest date with a zone name", _set("arrest_datetime", "2018-03-04 10:20:00 EST"), DEAD, "arrest_datetime: not a date"),
    ("arrest date with a space", _set("arrest_datetime", "2018-03-04 10:20:00"), DEAD, "arrest_datetime: not a date"),
    ("arrest date month 13", _set("arrest_datetime", "2018-13-04T10:20:00"), DEAD, "arrest_datetime: not a date"),
    ("arrest date basic format", _set("arrest_datetime", "20180304T1020"), DEAD, "arrest_datetime: not a date"),
    ("arrest date hour 25", _set("arrest_datetime", "2018-03-04T25:20:00"), DEAD, "arrest_datetime: not a date"),
    ("arrest date a number", _set("arrest_datetime", 1520158800), DEAD, "arrest_datetime: not a string or null"),
    ("arrest date in words", _set("arrest_datetime", "March 4, 2018"), DEAD, "arrest_datetime: not a date"),
    ("court date in words", _set("court_events", [{"type": "hearing", "datetime": "next tuesday"}]), DEAD, "court_events[0].datetime: not a date"),
    ("charges an object", _set("charges", {"person_id": "P1"}), DEAD, "charges: not an array or null"),
    ("charge class violation", _set("charges.0.class", "violation"), DEAD, "charges[0].class: not one of the allowed values"),
    ("charge sequence a string", _set("charges.0.sequence", "1"), DEAD, "charges[0].sequence: not an integer or null"),
    ("charge a string", _set("charges.0", "Simple assault"), DEAD, "charges[0]: not an object"),
    ("detention status jail", _set("detention.status", "jail"), DEAD, "detention.status: not one of the allowed values"),
    ("bail amount a string", _set("bail", {"amount": "1000"}), DEAD, "bail.amount: not a number or null"),
    ("flags a string", _set("flags", "sealed"), DEAD, "flags: not an object or null"),
    ("sealed yes", _set("flags.sealed", "yes"), DEAD, "flags.sealed: not a boolean or null"),
    ("juvenile 0", _set("flags.juvenile", 0), DEAD, "flags.juvenile: not a boolean or null"),
    ("narrative a list", _set("narrative", ["Victim Ilse"]), DEAD, "narrative: not a string or null"),
    ("narrative an object", _set("narrative", {"text": "Vexmarrow"}), DEAD, "narrative: not a string or null"),
    # -- size ---------------------------------------------------------------------------------
    ("a 10 MB narrative", _edit(lambda r: r.update(narrative=r["narrative"] + " Vexmarrow" * 1_000_000)), DEAD, "narrative: longer than 100,000 characters"),
    ("a 200,000-character surname", _set("persons.1.name.last", "Vexmarrowlong" * 16_000), DEAD, "persons[1].name.last: longer than"),
    ("a long value in an unknown field", _edit(lambda r: r.update(notes="Vexmarrowx" * 20_000)), DEAD, "(a field outside the spec): longer than"),
    ("a 20,000-character narrative", _edit(lambda r: r.update(narrative=(r["narrative"] + " ") * 350)), PUBLISHED, None),
    ("500 persons", _persons(500), PUBLISHED, None),
    # -- who is in the record -------------------------------------------------------------------
    ("no persons", _set("persons", []), PUBLISHED, None),
    ("victims only", _edit(lambda r: r["persons"].pop(0) and None), PUBLISHED, None),
    ("role other", _set("persons.1.role", "other"), PUBLISHED, None),
    ("role witness", _set("persons.1.role", "witness"), PUBLISHED, None),
    ("role complainant", _set("persons.1.role", "complainant"), PUBLISHED, None),
    ("a person without person_id", _drop("persons.1.person_id"), PUBLISHED, None),
    ("two persons with one person_id", _set("persons.1.person_id", "P1"), PUBLISHED, None),
    # -- unknown fields -------------------------------------------------------------------------
    ("an unknown top-level field", _edit(lambda r: r.update(ice_hold="Vexmarrowhold")), PUBLISHED, None),
    ("an unknown person field", _set("persons.0.mother", "Vexmarrowmother"), PUBLISHED, None),
    ("an unknown charge field", _set("charges.0.victim_name", "Vexmarrowcharge"), PUBLISHED, None),
    ("an unknown address field", _set("persons.0.address", {"line1": "10 Harbor Road", "unit_note": "Vexmarrownote"}), PUBLISHED, None),
    ("an unknown flags field", _set("flags.deported", True), PUBLISHED, None),
    # -- ages and flags -------------------------------------------------------------------------
    ("13 years old", _set("persons.0.dob", "2005-03-01"), EXCLUDED, "juvenile"),
    ("a day under 18", _set("persons.0.dob", "2000-03-05"), EXCLUDED, "juvenile"),
    ("18 today", _set("persons.0.dob", "2000-03-04"), PUBLISHED, None),
    ("13 years old, flagged adult", _edit(lambda r: r["persons"][0].update(dob="2005-03-01")), EXCLUDED, "juvenile"),
    ("a second arrestee of 15", _edit(lambda r: r["persons"].append(
        {"person_id": "P3", "role": "arrestee", "name": {"first": "Kim", "last": "Vexmarrowjr"}, "dob": "2003-01-01"})), EXCLUDED, "juvenile"),
    ("dob null, no juvenile flag", _edit(lambda r: (r["persons"][0].update(dob=None), r.update(flags=None)) and None), EXCLUDED, "age_unknown"),
    ("dob missing, juvenile null", _edit(lambda r: (r["persons"][0].pop("dob"), r["flags"].update(juvenile=None)) and None), EXCLUDED, "age_unknown"),
    ("arrest date null", _edit(lambda r: (r.update(arrest_datetime=None), r["flags"].pop("juvenile")) and None), EXCLUDED, "age_unknown"),
    ("born after the arrest", _edit(lambda r: (r["persons"][0].update(dob="2019-01-01"), r["flags"].pop("juvenile")) and None), EXCLUDED, "age_unknown"),
    ("dob null, flagged adult", _set("persons.0.dob", None), PUBLISHED, None),
    ("a victim of 12", _set("persons.1.dob", "2006-01-01"), PUBLISHED, None),
    ("flagged juvenile", _set("flags.juvenile", True), EXCLUDED, "juvenile"),
    ("sealed", _set("flags.sealed", True), EXCLUDED, "sealed"),
    ("expunged", _set("flags.expunged", True), EXCLUDED, "expunged"),
    ("sealed and juvenile", _edit(lambda r: r["flags"].update(sealed=True, juvenile=True)), EXCLUDED, "juvenile"),
    ("flags null, adult", _set("flags", None), PUBLISHED, None),
    # -- shapes that hold -----------------------------------------------------------------------
    ("arrest date with a zone offset", _set("arrest_datetime", "2018-03-04T10:20:00-05:00"), PUBLISHED, None),
    ("arrest date in UTC", _set("arrest_datetime", "2018-03-04T15:20:00Z"), PUBLISHED, None),
    ("arrest date without seconds", _set("arrest_datetime", "2018-03-04T10:20"), PUBLISHED, None),
    ("arrest date alone", _set("arrest_datetime", "2018-03-04"), PUBLISHED, None),
    ("narrative in capitals", _edit(lambda r: r.update(narrative=r["narrative"].upper())), PUBLISHED, None),
    ("narrative null", _set("narrative", None), PUBLISHED, None),
    ("every optional section null", _edit(lambda r: r.update(charges=None, detention=None, bail=None, court_events=None)), PUBLISHED, None),
    ("a CRLF line end", _raw(lambda t, i: t + b"\r"), PUBLISHED, None),
    ("spaces around the object", _raw(lambda t, i: b"  " + t + b"   "), PUBLISHED, None),
    ("pretty JSON keys reordered", _raw(lambda t, i: json.dumps(dict(reversed(list(json.loads(t).items())))).encode()), PUBLISHED, None),
]


def record_cases(first: int = 1) -> list[Case]:
    cases = []
    for n, (name, make, outcome, reason) in enumerate(RECORD_CASES, start=first):
        cases.append(Case(name, make(n), outcome, reason, secrets_of(base(n))))
    return cases


# Written into every case's personal values: none may appear in what a run prints, its manifest or its feed.
MARKERS = ("Vexmarrow", "Quorvane", "overstay", "A7000")


def record_export(cases: list[Case]) -> tuple[bytes, list[int]]:
    """One export, every case a line, blank lines between some (they are not records); and each case's line."""
    lines, numbers = [], []
    for n, case in enumerate(cases):
        lines.append(case.line)
        numbers.append(len(lines))
        if n % 17 == 0:
            lines.append(b"   ")
    return b"\n".join(lines) + b"\n", numbers


# -- whole files: each a run of its own --------------------------------------------------------
def _good_lines(first: int, count: int) -> bytes:
    return b"".join(_dumps(base(n)) + b"\n" for n in range(first, first + count))


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


FILE_CASES = {
    # name: (file name, bytes, exit code, records read or None, dead letters or None)
    "gzip cut in half": ("e.jsonl.gz", lambda: _gzip(_good_lines(901, 200))[:len(_gzip(_good_lines(901, 200))) // 2], 5, None, None),
    "gzip with a bad checksum": ("e.jsonl.gz", lambda: _gzip(_good_lines(901, 20))[:-8] + b"\0" * 8, 5, None, None),
    "gzip that is not gzip": ("e.jsonl.gz", lambda: _good_lines(901, 3), 5, None, None),
    "bzip2 cut short": ("e.jsonl.bz2", lambda: bz2.compress(_good_lines(901, 50))[:-20], 5, None, None),
    "zstd, which is not read": ("e.jsonl.zst", lambda: b"(\xb5/\xfd" + b"\0" * 20, 5, None, None),
    "an empty file": ("e.jsonl", lambda: b"", 5, None, None),
    "only blank lines": ("e.jsonl", lambda: b"\n  \n\t\n", 5, None, None),
    "a byte-order mark before line 1": ("e.jsonl", lambda: b"\xef\xbb\xbf" + _good_lines(901, 3), 0, 3, 0),
    "gzip with a byte-order mark": ("e.jsonl.gz", lambda: _gzip(b"\xef\xbb\xbf" + _good_lines(901, 3)), 0, 3, 0),
    "bare CR line ends": ("e.jsonl", lambda: _good_lines(901, 3).replace(b"\n", b"\r"), 0, 1, 1),
    "CRLF line ends": ("e.jsonl", lambda: _good_lines(901, 3).replace(b"\n", b"\r\n"), 0, 3, 0),
    "no newline at the end": ("e.jsonl", lambda: _good_lines(901, 3)[:-1], 0, 3, 0),
    "binary garbage": ("e.jsonl", lambda: bytes(range(256)) * 40, 0, None, None),
    "a record_id given twice": ("e.jsonl", lambda: _good_lines(901, 3) + _dumps(base(902)) + b"\n", 5, 4, 0),
    "a bzip2 export": ("e.jsonl.bz2", lambda: bz2.compress(_good_lines(901, 5)), 0, 5, 0),
}
