"""`python -m benchmarks`: the log-a-call benchmark (benchmarks/run.py), then the live board's
(benchmarks/board.py). Both write their own section of docs/benchmarks.md.

`--only log-call` or `--only board` runs one of them; `--board-calls 10000,100000` sets the
board's sizes (other than the default, it writes nowhere unless `--output` is given); `--output`
goes to both; every other option goes to the log-a-call benchmark.
"""

import argparse
import sys

from benchmarks import board, run

parser = argparse.ArgumentParser(add_help=False)
parser.add_argument("--only", choices=["log-call", "board"])
parser.add_argument("--board-calls")
parser.add_argument("--output")
known, rest = parser.parse_known_args(sys.argv[1:])
output = ["--output", known.output] if known.output else []

status = 0
if known.only != "board":
    status = run.main(rest + output)
if known.only != "log-call":
    board_args = (["--calls", known.board_calls] if known.board_calls else []) + output
    status = board.main(board_args) or status
sys.exit(status)
