"""The disclosure ledger: what went to whom, when, under which terms, in a hash chain."""
