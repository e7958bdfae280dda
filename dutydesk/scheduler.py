"""The scheduler process: `flask --app dutydesk scheduler`.

It runs apart from the web workers (APScheduler fires a job once per process that starts it,
so a scheduler inside N gunicorn workers would fire N times). Its jobs are plain functions
that take `now` and are safe to run any number of times, at once.
"""

import logging
from datetime import datetime, timezone

from apscheduler.schedulers.blocking import BlockingScheduler

from dutydesk.escalations.sweep import sweep_job

log = logging.getLogger(__name__)

#: (job function, the configuration setting naming its interval in seconds).
JOBS: list[tuple] = [(sweep_job, "SWEEP_INTERVAL_SECONDS")]


def build_scheduler(app) -> BlockingScheduler:
    """A blocking scheduler with every job, each run inside an application context.

    Each job runs once at start, so a scheduler that was stopped catches up at once, then at
    its interval. A run that is late or overlaps is merged into one (the jobs catch up by
    themselves: they do everything that has fallen due, not one interval's worth).
    """
    scheduler = BlockingScheduler(timezone="UTC")
    for job, interval_setting in JOBS:
        scheduler.add_job(_in_app_context(app, job), "interval", seconds=app.config[interval_setting],
                          id=job.__name__, max_instances=1, coalesce=True, misfire_grace_time=None,
                          next_run_time=datetime.now(timezone.utc))
    return scheduler


def _in_app_context(app, job):
    def run():
        with app.app_context():
            job()

    run.__name__ = job.__name__
    return run
