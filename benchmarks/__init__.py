"""dutydesk's benchmarks (`make bench`, or `python -m benchmarks --help`).

Logging a call through HTTP against gunicorn, measured beside a bare Flask endpoint that
inserts one row into the same database, in the same run; the table goes to docs/benchmarks.md.
"""
