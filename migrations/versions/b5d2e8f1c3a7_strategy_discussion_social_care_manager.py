"""R93, all of it: the social-care manager involved in each strategy discussion

One nullable column on strategy_discussions, added in place (one ALTER TABLE on both databases)
so that the table is not copied and its triggers (guards.protect_table) stay. Discussions
recorded before it keep NULL: nobody was named then.

Revision ID: b5d2e8f1c3a7
Revises: 13a4246c7609
Create Date: 2026-12-03 07:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b5d2e8f1c3a7'
down_revision = '13a4246c7609'
branch_labels = None
depends_on = None

CONSTRAINT = 'fk_strategy_discussions_social_care_manager_id_users'


def upgrade():
    op.execute(f'ALTER TABLE strategy_discussions ADD COLUMN social_care_manager_id INTEGER '
               f'CONSTRAINT {CONSTRAINT} REFERENCES users (id)')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint(CONSTRAINT, 'strategy_discussions', type_='foreignkey')
    op.drop_column('strategy_discussions', 'social_care_manager_id')
