"""Beam's local runner serves its worker processes on every network interface; feedshield serves them on loopback.

In multi-process mode the FnApiRunner starts gRPC servers (control, data,
state, logging, and a logging server for each worker process) with
`add_insecure_port('[::]:0')`: unauthenticated, on every interface of the
machine, while records flow through them. Its worker processes connect to
`localhost:PORT` and need nothing more. Beam offers no option for the
address, so the two runner modules that start them are given a `grpc`
whose servers bind a wildcard address to `localhost` instead. Nothing else
sees the change: the real `grpc` module is untouched, and a remote runner
(Dataflow, Flink, Spark) never calls this code.
"""
import grpc
from apache_beam.runners.portability import local_job_service
from apache_beam.runners.portability.fn_api_runner import worker_handlers

_RUNNER_MODULES = (worker_handlers, local_job_service)

_WILDCARDS = ("[::]", "0.0.0.0", "")


class _LoopbackServer:
    def __init__(self, server):
        self._server = server

    def add_insecure_port(self, address: str) -> int:
        host, _, port = address.rpartition(":")
        return self._server.add_insecure_port(f"localhost:{port}" if host in _WILDCARDS else address)

    def __getattr__(self, name):
        return getattr(self._server, name)


class _LoopbackGrpc:
    """`grpc` as `worker_handlers` uses it, but its servers listen on loopback only."""

    @staticmethod
    def server(*args, **kwargs):
        return _LoopbackServer(grpc.server(*args, **kwargs))

    def __getattr__(self, name):
        return getattr(grpc, name)


def serve_local_workers_on_loopback() -> None:
    """Idempotent; call before a pipeline runs on the local runner."""
    for module in _RUNNER_MODULES:
        if not isinstance(module.grpc, _LoopbackGrpc):
            module.grpc = _LoopbackGrpc()
