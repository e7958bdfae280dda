"""Role grants end instead of being deleted: granted_at, ended_at; one grant in force per role

Revision ID: 3a166df334be
Revises: bfe91aeca113
Create Date: 2026-12-02 12:58:22.930711

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a166df334be'
down_revision = 'bfe91aeca113'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('granted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_role_grants_user_id_role'), type_='unique')
        batch_op.create_index('uq_role_grants_user_id_role_in_force', ['user_id', 'role'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))


def downgrade():
    # Fails if a person was given back a role they had lost: the old constraint allowed one row per role.
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_index('uq_role_grants_user_id_role_in_force', sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.create_unique_constraint(batch_op.f('uq_role_grants_user_id_role'), ['user_id', 'role'])
        batch_op.drop_column('ended_at')
        batch_op.drop_column('granted_at')
