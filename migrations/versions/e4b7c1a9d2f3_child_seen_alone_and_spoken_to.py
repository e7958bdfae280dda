"""R35: whether a child seen was seen alone and spoken to

Two nullable columns on obligations, written when a "child seen" is recorded; rows from before
them stay valid with NULL, shown as "Not recorded". Adding and dropping a column are each one
ALTER TABLE on both databases (SQLite 3.35 and later drop columns in place), so the table is
not copied, its triggers stay, and other tables' foreign keys to it are not disturbed.

Revision ID: e4b7c1a9d2f3
Revises: fc3e70a809ef
Create Date: 2026-12-03 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e4b7c1a9d2f3'
down_revision = 'fc3e70a809ef'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('obligations', sa.Column('is_child_seen_alone', sa.Boolean(), nullable=True))
    op.add_column('obligations', sa.Column('is_child_spoken_to', sa.Boolean(), nullable=True))


def downgrade():
    op.drop_column('obligations', 'is_child_spoken_to')
    op.drop_column('obligations', 'is_child_seen_alone')
