"""Exit codes, one per way a run can end, so that cron, systemd and Airflow
can tell a refused contract from a failed verification without parsing text."""
OK = 0
FAILED = 1          # the pipeline or publishing failed for another reason; nothing published
USAGE = 2           # bad usage or an invalid contract
NOT_IN_FORCE = 3    # the agreement is not in force on the run's date
VERIFICATION = 4    # the verification gate found a leak above the threshold
INPUT = 5           # input unreadable, empty, or repeating a record_id
MODEL = 6           # the configured NER model cannot be loaded
EVALUATION = 7      # evaluate: leak recall under --min-recall
LEDGER = 8          # the ledger cannot be opened or written, or `ledger verify` found it broken
