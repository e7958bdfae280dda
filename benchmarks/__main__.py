"""`python -m benchmarks`: the log-a-call benchmark (benchmarks/run.py), then the live board's
(benchmarks/board.py), the escalation sweep's (benchmarks/sweep.py) and the burst of escalation
e-mail (benchmarks/mail_burst.py), the records check over a million children
(benchmarks/records_check.py), Rec 29 and timeliness over a million calls (benchmarks/rec29.py) and the
statutory returns of the same calls (benchmarks/returns_export.py).
Each writes its own section of docs/benchmarks.md.

`--only log-call`, `--only board`, `--only sweep`, `--only mail`, `--only records`, `--only rec29` or
`--only returns` runs one of them (`make bench BENCH_ARGS="--only mail"`); `--board-calls 10000,100000` sets the board's
sizes (other than the default, it writes nowhere unless `--output` is given); `--records-children 20000`
sets the records check's and `--rec29-calls 20000` Rec 29's and the returns' (likewise); `--output` goes to all seven;
`--databases` and `--postgres-url` go to the log-a-call benchmark, the sweep's, the e-mail burst's, the
records check's, Rec 29's and the returns'; every other option goes to the log-a-call benchmark.
"""

import argparse
import sys

from benchmarks import board, mail_burst, rec29, records_check, returns_export, run, sweep

parser = argparse.ArgumentParser(add_help=False)
parser.add_argument("--only", choices=["log-call", "board", "sweep", "mail", "records", "rec29", "returns"])
parser.add_argument("--board-calls")
parser.add_argument("--records-children")
parser.add_argument("--rec29-calls")
parser.add_argument("--output")
known, rest = parser.parse_known_args(sys.argv[1:])
output = ["--output", known.output] if known.output else []
shared = argparse.ArgumentParser(add_help=False)  # read, not taken: the log-a-call benchmark has them too
shared.add_argument("--databases")
shared.add_argument("--postgres-url")
given, _ = shared.parse_known_args(rest)
sweep_args = [arg for name in (given.databases or "").split(",") if name.strip()
              for arg in ("--database-url", name.strip().lower())]
sweep_args += ["--postgres-url", given.postgres_url] if given.postgres_url else []
database_args = (["--databases", given.databases] if given.databases else []) + (
    ["--postgres-url", given.postgres_url] if given.postgres_url else [])
records_args = database_args + (["--children", known.records_children] if known.records_children else [])
rec29_args = database_args + (["--calls", known.rec29_calls] if known.rec29_calls else [])

status = 0
if known.only in (None, "log-call"):
    status = run.main(rest + output)
if known.only in (None, "board"):
    board_args = (["--calls", known.board_calls] if known.board_calls else []) + output
    status = board.main(board_args) or status
if known.only in (None, "sweep"):
    status = sweep.main(sweep_args + output) or status
if known.only in (None, "mail"):
    status = mail_burst.main(sweep_args + output) or status
if known.only in (None, "records"):
    status = records_check.main(records_args + output) or status
if known.only in (None, "rec29"):
    status = rec29.main(rec29_args + output) or status
if known.only in (None, "returns"):
    status = returns_export.main(rec29_args + output) or status
sys.exit(status)
