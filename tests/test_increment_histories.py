"""Property: every change in the source reaches the recipient in exactly one committed release.

A history is a random sequence of source edits (add, change, a victim
corrected to an arrestee and back, seal, expunge, delete), contract changes
(2008 → 2009 → without birthplace → a pseudonymizing contract, whose new
ids retract everything held), and runs: full or incremental, from a full
export or only the changed rows, some killed at a random step of
publishing, some followed by the recipient applying what is new
(`apply-release`), some not. At the end, after one clean run, the
recipient's state must be exactly what the current source and contract
allow (no gap), and no increment may have sent a line the recipient already
held (no duplicate).

The thousands of histories use the in-process city (`increment_city.py`)
for speed; a few run the real pipeline through `feedshield run`, killed
with SIGKILL, and are compared with a fresh full run of the same source.
FEEDSHIELD_HISTORIES sets how many in-process histories run (default 2000).
"""
import copy
import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fixtures
from pipelines import exit_codes, publish, releases
from pipelines.apply_release import RecipientState, apply_releases
from pipelines.cli import main
from redaction_rules.contract_loader import CONTRACTS_DIR, key_reference, load_contract
from tests.increment_city import Refused, allowed, release

REPO = Path(__file__).resolve().parent.parent
AUDIT = b"histories-audit-key-0123456789abcdef"
RESEARCHERS_KEY = "histories-researchers-key-0123456789"
CONTRACTS = {  # name: (file, a day it is in force)
    "ice-2008": ("ice-pars-2008.yaml", date(2009, 1, 15)),
    "ice-2009": ("ice-pars-2009.yaml", date(2010, 1, 15)),
    "ice-2009-no-birthplace": ("ice-pars-2009-no-birthplace.yaml", date(2010, 1, 15)),
    "researchers": ("researchers.yaml", date(2026, 6, 1)),
}
KILL_POINTS = ("before-pending", "after-pending", "between-withheld-and-release", "after-release-folder",
               "after-current")
POOL = [r for r, _ in fixtures.generate(24, seed=2020)]


class Killed(BaseException):
    """The run died here: nothing after this step ran (a BaseException, so no `except Exception` sees it)."""


def killing(point: str, monkeypatch):
    """Make the step at `point` die, as `tests/kill_at.py` does to a real process."""
    cls, name, when = {"before-pending": (publish.Publisher, "record_pending", "before"),
                       "after-pending": (publish.Publisher, "record_pending", "after"),
                       "between-withheld-and-release": (releases.FeedFolder, "place_release", "before"),
                       "after-release-folder": (publish.Publisher, "place", "after"),
                       "after-current": (publish.Publisher, "point", "after")}[point]
    original = getattr(cls, name)

    def step(*args, **kwargs):
        if when == "after":
            original(*args, **kwargs)
        raise Killed(point)

    monkeypatch.setattr(cls, name, step)


def edit(source: dict, op: tuple) -> str | None:
    """Apply one edit to the source; the record id it touched."""
    kind, which = op[0], op[1]
    ids = sorted(source)
    if kind == "add":
        record = copy.deepcopy(POOL[which % len(POOL)])
        if record["record_id"] in source:
            return None
        source[record["record_id"]] = record
        return record["record_id"]
    if not ids:
        return None
    record = source[ids[which % len(ids)]]
    if kind == "charge":
        charges = record.setdefault("charges", []) or []
        record["charges"] = charges + [dict(charges[0], description=f"added charge {len(charges)}")] if charges else charges
    elif kind == "rename":
        for person in record["persons"]:
            if person.get("role") == "arrestee" and isinstance(person.get("name"), dict):
                person["name"]["last"] = (person["name"].get("last") or "X") + "e"
    elif kind == "role":  # a victim mis-entered as an arrestee, or the correction
        for person in record["persons"]:
            if person.get("role") in ("victim", "arrestee") and person is not record["persons"][0]:
                person["role"] = "arrestee" if person["role"] == "victim" else "victim"
                break
    elif kind == "narrative":
        record["narrative"] = (record.get("narrative") or "") + " Further report filed."
    elif kind in ("sealed", "expunged"):
        record["flags"] = {**(record.get("flags") or {}), kind: True}
    elif kind == "unseal":
        record["flags"] = {**(record.get("flags") or {}), "sealed": False}
    elif kind == "delete":
        del source[record["record_id"]]
    return record["record_id"]


EDITS = ("add", "charge", "rename", "role", "narrative", "sealed", "expunged", "unseal", "delete")
step = st.one_of(
    st.tuples(st.sampled_from(EDITS), st.integers(0, 100)),
    st.tuples(st.just("contract"), st.sampled_from(sorted(CONTRACTS))),
    st.tuples(st.just("run"), st.booleans(), st.booleans(), st.none() | st.sampled_from(KILL_POINTS), st.booleans()),
)


def _contract(name: str):
    file, as_of = CONTRACTS[name]
    loaded = load_contract(CONTRACTS_DIR / file)
    ref = key_reference(loaded)
    return loaded, (ref.load() if ref is not None else None), as_of


class History:
    """One feed's life: the source, the contract in force, the city's runs and the recipient."""

    def __init__(self, root: Path, monkeypatch):
        self.out, self.state = root / "feed", root / "state"
        self.monkeypatch = monkeypatch
        self.source = {r["record_id"]: copy.deepcopy(r) for r in POOL[:6]}
        self.contract = "ice-2009"
        self.changed: set[str] = set(self.source)  # ids touched since the last committed release
        self.applied = []

    def run(self, incremental: bool, changes_only: bool, kill: str | None) -> None:
        loaded, key, as_of = _contract(self.contract)
        gone = self.changed - set(self.source)
        # a changes-only export holds the changed rows that still exist: a row deleted outright
        # cannot be told that way (a city that exports changes marks records sealed or expunged)
        changes_only = incremental and changes_only and not gone
        records = ([self.source[i] for i in sorted(self.changed & set(self.source))] if changes_only
                   else [self.source[i] for i in sorted(self.source)])
        with self.monkeypatch.context() as m:
            if kill:
                killing(kill, m)
            try:
                release(self.out, copy.deepcopy(records), loaded, key, AUDIT, as_of, incremental, changes_only)
            except Killed:
                return
            except Refused:
                return
        self.changed = set()

    def apply(self) -> None:
        self.applied += apply_releases(self.out, self.state, report=lambda _: None)


@settings(max_examples=int(os.environ.get("FEEDSHIELD_HISTORIES", "2000")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_every_change_reaches_the_recipient_exactly_once(steps, monkeypatch):
    monkeypatch.setenv("FEEDSHIELD_KEY_RESEARCHERS", RESEARCHERS_KEY)
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as root:
        history = History(Path(root), monkeypatch)
        for op in steps:
            if op[0] == "contract":
                if op[1] != history.contract:
                    history.contract, history.changed = op[1], set(history.source)
            elif op[0] == "run":
                _, incremental, changes_only, kill, apply = op
                history.run(incremental, changes_only, kill)
                if apply:
                    history.apply()
            else:
                touched = edit(history.source, op)
                if touched:
                    history.changed.add(touched)
        history.run(incremental=True, changes_only=False, kill=None)
        history.apply()
        loaded, key, as_of = _contract(history.contract)
        held = RecipientState.load(history.state).records
        assert held == allowed(list(history.source.values()), loaded, key, as_of)
        for applied in history.applied:
            if applied.mode == "increment":
                assert applied.resent == 0, f"release {applied.release} sent a line the recipient held"


def _feed_state(out: Path) -> dict[str, str]:
    """A full release's feed as the recipient holds it: identity -> line."""
    from redaction_rules.risk import identity
    return {identity(json.loads(line)): line for p in sorted((out / "current" / "feed").glob("*.jsonl"))
            for line in p.read_text(encoding="utf-8").splitlines(keepends=True)}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_histories_through_the_real_pipeline_end_where_a_fresh_full_run_does(seed, tmp_path):
    """Edits, runs killed with SIGKILL at a random step of publishing and run again, a contract
    amendment, changes-only exports; then the recipient's state must be a fresh full run's feed."""
    rng = random.Random(seed)
    source = {r["record_id"]: copy.deepcopy(r) for r in POOL[:10]}
    contract, changed = "ice-2009", set(source)
    out, state, applied = tmp_path / "feed", tmp_path / "state", []
    for number in range(4):
        for _ in range(rng.randint(1, 3)):
            touched = edit(source, (rng.choice(EDITS), rng.randint(0, 100)))
            changed |= {touched} if touched else set()
        if number == 2 and rng.random() < 0.5:
            contract, changed = "ice-2009-no-birthplace", set(source)
        file, as_of = CONTRACTS[contract]
        changes_only = number > 0 and rng.random() < 0.4 and changed <= set(source)
        rows = [source[i] for i in sorted(changed if changes_only else source) if i in source]
        export = tmp_path / f"export-{number}.jsonl"
        export.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        argv = ["run", "--contract", str(CONTRACTS_DIR / file), "--input", str(export), "--output", str(out),
                "--as-of", as_of.isoformat(), "--incremental", "--allow-empty"] + (["--changes-only"] if changes_only else [])
        kill = rng.choice([None, *KILL_POINTS])
        if kill:
            killed = subprocess.run([sys.executable, "-m", "tests.kill_at", kill, *argv], cwd=REPO, capture_output=True,
                                    text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
            assert killed.returncode == -9, killed.stderr[-2000:]
        refused = changes_only and _last_contract(out) not in (None, load_contract(CONTRACTS_DIR / file).contract.id)
        assert main(argv) == (exit_codes.USAGE if refused else exit_codes.OK)
        if not refused:
            changed = set()
        if rng.random() < 0.6:
            applied += apply_releases(out, state, report=lambda _: None)
    file, as_of = CONTRACTS[contract]
    export = tmp_path / "export-last.jsonl"
    export.write_text("".join(json.dumps(source[i]) + "\n" for i in sorted(source)), encoding="utf-8")
    common = ["--contract", str(CONTRACTS_DIR / file), "--input", str(export), "--as-of", as_of.isoformat()]
    assert main(["run", *common, "--output", str(out), "--incremental", "--allow-empty"]) == exit_codes.OK
    applied += apply_releases(out, state, report=lambda _: None)
    assert main(["run", *common, "--output", str(tmp_path / "fresh")]) == exit_codes.OK
    assert RecipientState.load(state).records == _feed_state(tmp_path / "fresh")
    assert [a.release for a in applied if a.mode == "increment" and a.resent] == []
    assert main(["ledger", "verify", str(out)]) == exit_codes.OK


def _last_contract(out: Path) -> str | None:
    """The contract of the last committed release, from the recipient's own manifest."""
    manifest = out / "current" / "manifest.json"
    return json.loads(manifest.read_text())["contract"]["id"] if manifest.exists() else None
