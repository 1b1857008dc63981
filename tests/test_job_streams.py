"""A portable runner's job outlives `--job_server_timeout`; requests to the job server do not.

Run on Beam's real job server and an EXTERNAL worker pool (`bench.portable`), each a process of
its own, with a job that runs three times as long as the timeout given.
"""
import time

import apache_beam as beam
import grpc
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to

from bench.portable import portable_services
from pipelines.job_streams import WholeJobServiceHandle, runner_for
from tools.loopback import free_port

TIMEOUT_S = 3
# where Beam's own handle ends a job, its message-reading thread ends with DEADLINE_EXCEEDED too
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


# a lambda, which is pickled with its code: the pool's workers cannot import this test module
_slow = lambda n, seconds=3 * TIMEOUT_S: time.sleep(seconds) or n * 2  # noqa: E731


@pytest.fixture(scope="module")
def portable_flags(tmp_path_factory):
    with portable_services(tmp_path_factory.mktemp("portable")) as flags:
        yield flags


def test_a_job_longer_than_the_job_server_timeout_finishes(portable_flags):
    options = PipelineOptions([*portable_flags, f"--job_server_timeout={TIMEOUT_S}"])
    with beam.Pipeline(runner=runner_for(options), options=options) as p:
        assert_that(p | beam.Create([1, 2]) | beam.Map(_slow), equal_to([2, 4]))


def test_beams_own_handle_ends_such_a_job_with_deadline_exceeded(portable_flags):
    """What `WholeJobServiceHandle` is for: without it the same job fails on the driver."""
    options = PipelineOptions([*portable_flags, f"--job_server_timeout={TIMEOUT_S}"])
    with pytest.raises(grpc.RpcError) as raised:
        with beam.Pipeline(options=options) as p:
            p | beam.Create([1]) | beam.Map(_slow)
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_a_job_server_that_does_not_answer_still_times_out():
    options = PipelineOptions(["--runner=PortableRunner", f"--job_endpoint=localhost:{free_port()}",
                               "--job_server_timeout=1", "--environment_type=LOOPBACK"])
    with pytest.raises(grpc.FutureTimeoutError):
        with beam.Pipeline(runner=runner_for(options), options=options) as p:
            p | beam.Create([1])


def test_only_portable_runners_get_the_handle():
    portable = runner_for(PipelineOptions(["--runner=PortableRunner"]))
    assert portable.create_job_service_handle is WholeJobServiceHandle
    local = runner_for(PipelineOptions(["--runner=FnApiRunner"]))
    assert not hasattr(local, "create_job_service_handle")
