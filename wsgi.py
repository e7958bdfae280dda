"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`. It never starts the scheduler."""

from dutydesk import create_app

app = create_app()
