"""Beam's portable services for a benchmark stage: a job server and an EXTERNAL worker pool, each a
process of its own, so that the stage's process is the driver and nothing else.

With the local runners the driver process also runs the job (the data plane, every shuffle), so its
CPU time grows with the input whatever feedshield does; on the PortableRunner it submits the job and
waits, as it does on a cluster, and its own CPU time and peak memory are feedshield's driver alone.
"""
import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from tools.loopback import NotListening, free_port, wait_for_port



@contextlib.contextmanager
def portable_services(folder: Path):
    """The Beam flags of a PortableRunner job on a job server and a worker pool started here."""
    folder.mkdir(parents=True, exist_ok=True)
    job_port, pool_port = free_port(), free_port()
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
            try:
                wait_for_port(port, process, seconds=120)
            except NotListening as e:
                raise RuntimeError(f"a portable service did not start ({e}); see {log}") from None
        yield ["--runner=PortableRunner", f"--job_endpoint=localhost:{job_port}", "--environment_type=EXTERNAL",
               f"--environment_config=localhost:{pool_port}"]
    finally:
        for process in started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
