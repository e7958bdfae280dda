"""The child a line of a call's history is about: contact_events.contact_child_id

A line about one child of the call (a case allocated, a child seen, a reason given for their
clock) names the child it is about, so that the child's chronology need not find them by name
in the summary. Nullable: a line about the whole call, or about several of its children, has
none; and lines written before this revision keep none (the chronology still reads their
summaries, as it did). Nothing is filled in for them: which child an old line is about is
only ever read from its words, and the history is not rewritten.

contact_events is append-only (dabd151461ad): the column is added and dropped in place, never
by the batch mode's copy, which on SQLite would drop its triggers. The foreign key is written
into ADD COLUMN (CONSTRAINT name REFERENCES), which both databases accept in place.

Revision ID: e08222ac41cc
Revises: a7c3e9d1b2f4
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e08222ac41cc'
down_revision = 'a7c3e9d1b2f4'
branch_labels = None
depends_on = None

CONSTRAINT = 'fk_contact_events_contact_child_id_contact_children'


def upgrade():
    op.execute(f'ALTER TABLE contact_events ADD COLUMN contact_child_id INTEGER '
               f'CONSTRAINT {CONSTRAINT} REFERENCES contact_children (id)')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint(CONSTRAINT, 'contact_events', type_='foreignkey')
    op.drop_column('contact_events', 'contact_child_id')
