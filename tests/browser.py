"""Headless Chromium for the tests that render a page: the DOM it built, and what the page asked for."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest


def chromium_binary() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not found:
        pytest.skip("no headless Chromium here (Debian's chromium package; .ci/run installs it)")
    return found


def headless(chromium: str, profile: Path, *flags: str) -> list[str]:
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", f"--user-data-dir={profile}", *flags]


def render(chromium: str, page: Path, tmp_path: Path) -> tuple[str, list[str]]:
    """The DOM Chromium built from a page, and the URLs the page itself asked for.

    Chromium makes requests of its own (updates, time, accounts): they are
    "not an origin" in its net log; the page's carry the file's network
    isolation key.
    """
    netlog = tmp_path / f"{page.stem}.netlog.json"
    done = subprocess.run(headless(chromium, tmp_path / f"{page.stem}.profile", f"--log-net-log={netlog}",
                                    "--dump-dom", page.as_uri()), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    asked = [e["params"]["url"] for e in log["events"] if e["type"] == start and (e.get("params") or {}).get("url")
             and str(e["params"].get("network_isolation_key", "")).startswith("file://")]
    return done.stdout, [url for url in asked if not url.startswith("file:")]
