"""Beam's portable services for a benchmark stage: a job server and an EXTERNAL worker pool, each a
process of its own, so that the stage's process is the driver and nothing else.

With the local runners the driver process also runs the job (the data plane, every shuffle), so its
CPU time grows with the input whatever feedshield does; on the PortableRunner it submits the job and
waits, as it does on a cluster, and its own CPU time and peak memory are feedshield's driver alone.
"""
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"a portable service did not start; see {log}")
            time.sleep(0.2)


@contextlib.contextmanager
def portable_services(folder: Path):
    """The Beam flags of a PortableRunner job on a job server and a worker pool started here."""
    folder.mkdir(parents=True, exist_ok=True)
    job_port, pool_port = _free_port(), _free_port()
    started = []
    # the pool starts each SDK worker as `python`: this environment's, which has feedshield and its models
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    try:
        for module, port, name in (("apache_beam.runners.worker.worker_pool_main", pool_port, "pool"),
                                   ("apache_beam.runners.portability.local_job_service_main", job_port, "job")):
            log = folder / f"{name}.log"
            flag = "--service_port" if name == "pool" else "--port"
            process = subprocess.Popen([sys.executable, "-m", module, flag, str(port)], cwd=folder, env=env,
                                       stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
            started.append(process)
            _wait_for(port, process, log)
        yield ["--runner=PortableRunner", f"--job_endpoint=localhost:{job_port}", "--environment_type=EXTERNAL",
               f"--environment_config=localhost:{pool_port}"]
    finally:
        for process in started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
