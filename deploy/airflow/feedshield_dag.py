"""An ongoing feedshield feed in Airflow: every 15 minutes, one incremental release of what is new.

Copy this file into the DAGs folder and set the Airflow Variables (or the
environment variables AIRFLOW_VAR_<NAME>) it reads; the defaults are the
layout of deploy/systemd. The task runs `feedshield watch --once`, which
makes at most one release of the export files no committed release has
read, so a retried or overlapping task never sends a file twice (the
feed folder's lock makes a second run wait). feedshield's exit code is the
task's: 0 published or nothing new; 3 the contract is not in force; 4 or
5 the export failed verification or could not be read (the next run tries
its files again); see `feedshield --help` for the rest. The audit key is
read from a file the worker can read, never from a Variable.
"""
from datetime import datetime, timedelta

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG


def setting(name: str, default: str) -> str:
    """A Jinja reference to an Airflow Variable, read when the task runs (never at parse time)."""
    return "{{ var.value.get('feedshield_%s', '%s') }}" % (name, default)


COMMAND = " ".join([
    setting("bin", "/opt/feedshield/.venv/bin/feedshield"), "watch", "--once",
    "--drop", setting("drop", "/srv/exports/pars"),
    "--contract", setting("contract", "/etc/feedshield/contracts/ice-pars-2009.yaml"),
    "--output", setting("output", "/srv/feeds/ice"),
    "--audit-key-file", setting("audit_key_file", "/etc/feedshield/audit.key"),
    "--settle", setting("settle", "30s"),
    "--log-format", "json",
])

with DAG(
    dag_id="feedshield_increment",
    description="one incremental feedshield release of the new export files",
    schedule=timedelta(minutes=15),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 0},
    tags=["feedshield"],
) as dag:
    BashOperator(task_id="release", bash_command=COMMAND, skip_on_exit_code=None)
