"""A venv of its own for a tool whose exact pins clash with feedshield's (pycanon, Airflow).

Built once at REPO/.venv-NAME from the package index and kept; a test that
needs the tool skips, saying why, only where no package index is reachable.
"""
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def tool_python(name: str, requirement: str, module: str) -> Path:
    venv = REPO / f".venv-{name}"
    python = venv / "bin" / "python"
    if not (python.exists() and subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0):
        made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True)
        installed = made.returncode == 0 and subprocess.run(
            [python, "-m", "pip", "install", "-q", requirement], capture_output=True, timeout=900).returncode == 0
        if not installed:
            pytest.skip(f"{requirement} could not be installed into {venv} (no package index here?)")
    return python
