"""`python -m benchmarks`: run the log-a-call benchmark (see benchmarks/run.py)."""

import sys

from benchmarks.run import main

sys.exit(main())
