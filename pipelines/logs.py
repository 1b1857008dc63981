"""What feedshield says while it runs, and what it keeps from what others say.

One logger, `feedshield`, speaks to the operator (text, or JSON lines for
systemd and Airflow, each with the run id and stage). Everything else that
logs (Beam's apitools warning at import, its worker harness's INFO lines,
Presidio's unmapped-entity warnings) is dropped: those messages are not
feedshield's to vouch for, and Beam's own error log quotes the exception
message of a failed step, which may hold a value. Worker processes of the
local runner write to the stderr they inherit, so during a run that file
descriptor points at a scratch file that is removed afterwards
(`quiet_worker_output`).

A failure is written to the run folder's owner-only `run.log` as a
value-free traceback: exception types and code locations only, never an
exception's message, since a message may quote what it failed on.
"""
import contextlib
import json
import logging
import os
import re
import sys
import tempfile
import traceback
from datetime import datetime, timezone

LOGGER = "feedshield"
LEVELS = ("debug", "info", "warning", "error")
FORMATS = ("text", "json")
_STEP = re.compile(r"\[while running '([^']+)'\]")
_REMOTE_FRAME = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')
_REMOTE_TYPE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt))\b", re.M)


def logger() -> logging.Logger:
    return logging.getLogger(LOGGER)


class _OnlyFeedshield(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.name == LOGGER or record.name.startswith(LOGGER + ".")


class _Console(logging.StreamHandler):
    """Writes to whatever is the operator's stderr at the moment of writing (see `quiet_worker_output`)."""

    stream_override = None

    def __init__(self):
        super().__init__(sys.stderr)

    def emit(self, record):
        self.stream = self.stream_override or sys.stderr
        super().emit(record)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, message, and the run id, stage and counts where given."""

    FIELDS = ("run_id", "stage", "counts", "exit_code")

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        for name in self.FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("feedshield: %(message)s")


CONSOLE = _Console()


def _made_by_basic_config(handler: logging.Handler) -> bool:
    return (type(handler) is logging.StreamHandler and handler.stream in (sys.stderr, sys.__stderr__)
            and handler.formatter is not None and handler.formatter._fmt == logging.BASIC_FORMAT)


def configure(level: str = "info", fmt: str = "text") -> None:
    """Idempotent: the console handler is installed once, on the root logger, with the filter."""
    root = logging.getLogger()
    if CONSOLE not in root.handlers:
        for handler in list(root.handlers):
            if _made_by_basic_config(handler):  # by Beam's import-time warning; a host's own handlers stay
                root.removeHandler(handler)
        CONSOLE.addFilter(_OnlyFeedshield())
        root.addHandler(CONSOLE)
    # only feedshield's own logger at DEBUG: its records reach the root's handlers whatever the root's
    # level, while Beam's and Presidio's debug calls stay as cheap as their default level makes them
    CONSOLE.setLevel(level.upper())
    CONSOLE.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    logger().setLevel(logging.DEBUG)


def quiet_imports() -> None:
    """Before anything imports Beam: its apitools warning goes to the root logger at import time."""
    configure()


@contextlib.contextmanager
def run_log(path: os.PathLike | str):
    """Append feedshield's own records of this run, at every level, to an owner-only file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    handler = logging.StreamHandler(os.fdopen(fd, "a", encoding="utf-8"))
    handler.setLevel(logging.DEBUG)
    handler.addFilter(_OnlyFeedshield())
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        yield path
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


@contextlib.contextmanager
def quiet_worker_output():
    """Worker processes inherit fd 2: point it at a scratch file for the run, and speak through a copy."""
    try:
        real = sys.__stderr__.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    saved = os.dup(real)
    scratch = tempfile.TemporaryFile()
    console = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="replace")
    use_copy = sys.stderr is sys.__stderr__
    sys.stderr.flush()
    os.dup2(scratch.fileno(), real)
    if use_copy:
        CONSOLE.stream_override = console
    try:
        yield console if use_copy else sys.stderr
    finally:
        with contextlib.suppress(Exception):
            sys.__stderr__.flush()
        os.dup2(saved, real)
        os.close(saved)
        CONSOLE.stream_override = None
        console.close()
        scratch.close()


def failed_step(exc: BaseException) -> str | None:
    """The Beam step a pipeline failure happened in, from Beam's own `[while running '...']`."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        found = _STEP.findall(str(exc))
        if found:
            return found[-1]
        exc = exc.__cause__ or exc.__context__
    return None


def stage_of(step: str | None) -> str | None:
    """The stage a Beam step belongs to: `ShieldFeed/RedactFreeText/Redact` -> `RedactFreeText`
    (the data's path has a stage a composite); every step of `WriteRun` -> `WriteRun`."""
    if not step:
        return None
    parts = step.split("/")
    return parts[1] if len(parts) > 1 and parts[0] == "ShieldFeed" else parts[0]


def value_free_traceback(exc: BaseException) -> list[str]:
    """Exception types and code locations of the whole chain, and of a worker's traceback Beam relays; no messages."""
    lines, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        lines.append(f"{type(exc).__module__}.{type(exc).__qualname__}")
        for frame in traceback.extract_tb(exc.__traceback__):
            lines.append(f"  at {frame.filename}:{frame.lineno} in {frame.name}")
        relayed = str(exc)
        if "Traceback (most recent call last)" in relayed:  # a worker's, inside Beam's message
            lines.append("  relayed from a worker:")
            lines += [f"    at {f}:{n} in {fn}" for f, n, fn in _REMOTE_FRAME.findall(relayed)]
            lines += [f"    {name}" for name in dict.fromkeys(_REMOTE_TYPE.findall(relayed))]
        exc = exc.__cause__ or exc.__context__
    return lines
