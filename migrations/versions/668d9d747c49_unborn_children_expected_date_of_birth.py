"""An unborn child is recorded with an expected date of birth

contact_children gets expected_date_of_birth, set only for an unborn child (who then has no
date of birth; log_call refuses both).

contact_children is protected by triggers (dabd151461ad). The column is added and dropped in
place (ALTER TABLE ... ADD / DROP COLUMN, on SQLite 3.35 and later too), never by the batch
mode's copy of the table, which on SQLite would drop the triggers and, with foreign keys on,
could not drop a table that obligations and decisions refer to.

Revision ID: 668d9d747c49
Revises: dabd151461ad
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '668d9d747c49'
down_revision = 'dabd151461ad'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('contact_children', sa.Column('expected_date_of_birth', sa.Date(), nullable=True))


def downgrade():
    op.drop_column('contact_children', 'expected_date_of_birth')
