"""`flask --app dutydesk export ...`: the statutory returns written to files, with progress on a
terminal and a summary at the end."""

import click


@click.group("export", help="Write a statutory return to a file.")
def export():
    """The group each return's command joins."""
