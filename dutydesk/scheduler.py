"""The scheduler process: `flask --app dutydesk scheduler`.

It runs apart from the web workers (APScheduler fires a job once per process that starts it,
so a scheduler inside N gunicorn workers would fire N times). Its jobs are plain functions
that take `now` and are safe to run any number of times, at once.
"""

import logging

from apscheduler.schedulers.blocking import BlockingScheduler

log = logging.getLogger(__name__)

#: (job function, minutes between runs). The escalation sweep joins this list (issue 4).
JOBS: list[tuple] = []


def build_scheduler(app) -> BlockingScheduler:
    """A blocking scheduler with every job, each run inside an application context."""
    scheduler = BlockingScheduler(timezone="UTC")
    for job, minutes in JOBS:
        scheduler.add_job(_in_app_context(app, job), "interval", minutes=minutes, id=job.__name__,
                          max_instances=1, coalesce=True)
    return scheduler


def _in_app_context(app, job):
    def run():
        with app.app_context():
            job()

    run.__name__ = job.__name__
    return run
