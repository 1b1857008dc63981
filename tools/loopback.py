"""Services on loopback for the benchmark and the tests: a free port, and a wait until a started
process listens on it (or ends, or takes too long), so that nothing talks to a server still starting."""
import socket
import subprocess
import time


class NotListening(RuntimeError):
    """The process ended, or nothing listened on its port in time."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise NotListening(f"the process ended (exit {process.returncode}) before it listened on port {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise NotListening(f"nothing listened on port {port} within {seconds:g} s") from None
            time.sleep(0.2)
