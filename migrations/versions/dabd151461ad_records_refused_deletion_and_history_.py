"""Records refused deletion and history refused rewriting by the database itself

Triggers, on SQLite and PostgreSQL, that refuse DELETE on every table of records and also
UPDATE on the append-only tables (history, record views, sign-in attempts); on PostgreSQL they
refuse TRUNCATE too. The statements come from dutydesk.models.guards. form_drafts and user_sessions (kept only
for convenience, and purged) and alembic_version are left unguarded.

The tables are listed here as they stood at this revision. A later migration that creates a
table of records must protect it itself (`guards.protect_table`), and on SQLite a batch
operation that recreates a table (`op.batch_alter_table` copying it to a new one) drops that
table's triggers, so such a migration must make them again afterwards.

Revision ID: dabd151461ad
Revises: 5b7e2c9d41f0
Create Date: 2026-12-02 12:56:32.789493

"""
from alembic import op

from dutydesk.models import guards


# revision identifiers, used by Alembic.
revision = 'dabd151461ad'
down_revision = '5b7e2c9d41f0'
branch_labels = None
depends_on = None

APPEND_ONLY = ('contact_events', 'record_views', 'sign_in_attempts')
RECORDS = (
    'absences', 'contact_children', 'contacts', 'escalations', 'inbox_items', 'obligations',
    'referrals', 'role_grants', 'screening_decisions', 'strategy_action_points',
    'strategy_attendees', 'strategy_discussions', 'teams', 'transfers', 'users',
)


def _tables():
    return [(table, True) for table in APPEND_ONLY] + [(table, False) for table in RECORDS]


def upgrade():
    dialect = op.get_bind().dialect.name
    statements = guards.create_refusal_function(dialect)
    for table, append_only in _tables():
        statements += guards.protect_table(dialect, table, append_only=append_only)
    for statement in statements:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    statements = []
    for table, append_only in _tables():
        statements += guards.unprotect_table(dialect, table, append_only=append_only)
    statements += guards.drop_refusal_function(dialect)
    for statement in statements:
        op.execute(statement)
