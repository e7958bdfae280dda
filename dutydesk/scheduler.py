"""The scheduler process: `flask --app dutydesk scheduler`.

It runs apart from the web workers (APScheduler fires a job once per process that starts it,
so a scheduler inside N gunicorn workers would fire N times). Its jobs are plain functions
that take a stop event and are safe to run any number of times, at once, in any number of
scheduler processes.

SIGTERM (or Ctrl-C) sets the stop event: each job running sees it between batches (the
e-mail between messages), records what it did, gives back what it had claimed and returns;
the scheduler then shuts down and the process exits 0. Nothing waits out a claim.
"""

import logging
import signal
import time
from datetime import datetime, timezone
from threading import Event

from apscheduler.schedulers.background import BackgroundScheduler

from dutydesk.auth.drafts import drafts_job
from dutydesk.children.duplicates import duplicates_job
from dutydesk.escalations.sweep import sweep_job
from dutydesk.governance.jobs import governance_job

log = logging.getLogger(__name__)

#: (job function, the configuration setting naming its interval in seconds).
JOBS: list[tuple] = [(sweep_job, "SWEEP_INTERVAL_SECONDS"), (duplicates_job, "DUPLICATES_INTERVAL_SECONDS"),
                     (governance_job, "GOVERNANCE_INTERVAL_SECONDS"), (drafts_job, "PURGE_INTERVAL_SECONDS")]
#: How often the process looks whether it has been asked to stop.
STOP_POLL_SECONDS = 0.2


def build_scheduler(app, stop: Event | None = None) -> BackgroundScheduler:
    """A scheduler with every job, each run inside an application context and given `stop`.

    Each job runs once at start, so a scheduler that was stopped catches up at once, then at
    its interval. A run that is late or overlaps is merged into one (the jobs catch up by
    themselves: they do everything that has fallen due, not one interval's worth).
    """
    stop = stop or Event()
    scheduler = BackgroundScheduler(timezone="UTC")
    for job, interval_setting in JOBS:
        scheduler.add_job(_in_app_context(app, job, stop), "interval", seconds=app.config[interval_setting],
                          id=job.__name__, max_instances=1, coalesce=True, misfire_grace_time=None,
                          next_run_time=datetime.now(timezone.utc))
    return scheduler


def stop_on_signals() -> Event:
    """An event that SIGTERM or SIGINT sets (only that: whoever reads it does the rest, outside
    the handler). Read it with is_set(), which takes no lock the handler could be waiting on."""
    stop = Event()

    def ask_to_stop(signum, frame):
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, ask_to_stop)
    return stop


def run_until_stopped(app) -> None:
    """Run the jobs until SIGTERM or SIGINT, then let those running finish or give back their work."""
    stop = stop_on_signals()
    scheduler = build_scheduler(app, stop)
    scheduler.start()
    try:
        while not stop.is_set():
            time.sleep(STOP_POLL_SECONDS)
        log.info("stopping: the jobs running finish or give back what they claimed")
    finally:
        stop.set()
        scheduler.shutdown(wait=True)


def _in_app_context(app, job, stop: Event):
    def run():
        if stop.is_set():
            return
        with app.app_context():
            job(stop)

    run.__name__ = job.__name__
    return run
