import json
from pathlib import Path

import pytest

import fixtures

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "redaction_rules" / "arrest-record.schema.json"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def sample_1000():
    """1,000 records from a seed the quality targets never use."""
    return list(fixtures.generate(1000, seed=11))


@pytest.fixture(scope="session")
def record_schema():
    return json.loads(SCHEMA.read_text())


def tolerant_contract(contract: Path) -> Path:
    """A copy of a contract that publishes whatever share of dead letters, for tests that feed them on purpose."""
    import tempfile
    text = contract.read_text(encoding="utf-8")
    assert "\nverification:\n" in text
    folder = Path(tempfile.mkdtemp(prefix="feedshield-contract-"))
    copy = folder / contract.name
    copy.write_text(text.replace("\nverification:\n", "\nverification:\n  dead_letter_threshold: 1.0\n"),
                    encoding="utf-8")
    return copy
