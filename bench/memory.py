"""Peak resident memory of this process's descendants, sampled from /proc.

Beam's multi-processing workers are child processes, so "peak memory per
worker" is the largest resident set any single process of the tree
reached while a stage ran.
"""
import os
import threading
from pathlib import Path


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


class PeakMemory:
    """Context manager: `peak_mb` (largest single process) and `processes` seen."""

    def __init__(self, interval: float = 0.25):
        self.interval = interval
        self.peak_kb = 0
        self.pids: set[int] = set()
        self._stop = threading.Event()

    def _sample(self):
        while not self._stop.is_set():
            for pid in _descendants(os.getpid())[1:]:  # the stage's processes, not the one measuring
                self.pids.add(pid)
                self.peak_kb = max(self.peak_kb, _rss_kb(pid))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return round(self.peak_kb / 1024, 1)
