"""Administration: passwords people must change, the call form's suggested teams, and the
record of every administrative change (admin_changes, append-only)

users.must_change_password and the two teams.is_suggested_* columns are added in place
(ALTER TABLE ... ADD COLUMN, not a batch copy of the table), so the triggers that protect
users and teams (dabd151461ad) stay as they are on SQLite; the downgrade drops them in place
too (SQLite 3.35 or later).

Revision ID: fc3e70a809ef
Revises: 668d9d747c49
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from dutydesk.models import guards


# revision identifiers, used by Alembic.
revision = 'fc3e70a809ef'
down_revision = '668d9d747c49'
branch_labels = None
depends_on = None

KINDS = ('person_added', 'details_changed', 'roles_changed', 'team_changed', 'password_reset', 'unlocked',
         'deactivated', 'team_added', 'team_renamed', 'team_kind_changed', 'team_manager_changed',
         'team_suggestion_changed', 'team_closed', 'team_reopened')


def upgrade():
    op.add_column('users', sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))
    op.add_column('teams', sa.Column('is_suggested_in_office_hours', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))
    op.add_column('teams', sa.Column('is_suggested_out_of_hours', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))
    op.create_table('admin_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum(*KINDS, name='adminchangekind', native_enum=False, length=30), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_admin_changes_by_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_admin_changes_team_id_teams')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_admin_changes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_changes'))
    )
    with op.batch_alter_table('admin_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_changes_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_changes_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_changes_user_id'), ['user_id'], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in guards.protect_table(dialect, 'admin_changes', append_only=True):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in guards.unprotect_table(dialect, 'admin_changes', append_only=True):
        op.execute(statement)
    with op.batch_alter_table('admin_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_changes_user_id'))
        batch_op.drop_index(batch_op.f('ix_admin_changes_team_id'))
        batch_op.drop_index(batch_op.f('ix_admin_changes_at'))
    op.drop_table('admin_changes')
    op.drop_column('teams', 'is_suggested_out_of_hours')
    op.drop_column('teams', 'is_suggested_in_office_hours')
    op.drop_column('users', 'must_change_password')
