"""A job on a portable runner is watched for as long as it runs, not for as long as a request may take.

Beam's PortableRunner (and FlinkRunner, SparkRunner and PrismRunner, which
are portable runners) follows a job through two streams from the job
server, its states and its messages, and opens both with
`--job_server_timeout` as their deadline: the time a request to the job
server may take (300 s by default) becomes the longest a job may run. Past
it the driver's streams end with DEADLINE_EXCEEDED, the run fails and
nothing is published, while the job itself goes on (apache/beam#35867).
Here the job's streams have no deadline; every request to the job server
(its options, preparing and staging the job) keeps the timeout given.
"""
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.portability.portable_runner import JobServiceHandle, PortableRunner
from apache_beam.runners.runner import PipelineRunner, create_runner


class WholeJobServiceHandle(JobServiceHandle):
    """Beam's handle, whose `run` opens the state and message streams with `self.timeout`: None there."""

    def run(self, preparation_id: str):
        timeout, self.timeout = self.timeout, None
        try:
            return super().run(preparation_id)
        finally:
            self.timeout = timeout


def runner_for(options: PipelineOptions) -> PipelineRunner:
    """The runner the options name (a name, or a runner object); a portable one watches its job
    through `WholeJobServiceHandle`."""
    name = options.view_as(StandardOptions).runner
    runner = create_runner(name) if isinstance(name, str) else name
    if isinstance(runner, PortableRunner):
        runner.create_job_service_handle = WholeJobServiceHandle
    return runner
