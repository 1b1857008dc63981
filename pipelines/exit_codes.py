"""Exit codes, one per way a run can end, so that cron, systemd and Airflow
can tell a refused contract from a failed verification without parsing text."""
OK = 0
USAGE = 2           # bad usage or an invalid contract
NOT_IN_FORCE = 3    # the agreement is not in force on the run's date
VERIFICATION = 4    # the verification gate found a leak above the threshold
INPUT = 5           # input unreadable (missing, not a file, not gzip)
MODEL = 6           # the configured NER model cannot be loaded
EVALUATION = 7      # evaluate: leak recall under --min-recall
