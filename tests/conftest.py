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
