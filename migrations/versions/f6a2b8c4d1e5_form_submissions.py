"""Forms saved once: form_submissions, each form's one-time token claimed when it was saved

A unique token per rendered form, who posted it, to which endpoint, when, and where the first
post went on to; a second post of the same form is answered from it (dutydesk/core/
submissions.py). Convenience data, purgeable: no triggers (guards.PURGEABLE_TABLES).

Revision ID: f6a2b8c4d1e5
Revises: e4b7c1a9d2f3
Create Date: 2026-12-03 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f6a2b8c4d1e5'
down_revision = 'e4b7c1a9d2f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_submissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('endpoint', sa.String(length=100), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('went_to', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_form_submissions_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_form_submissions')),
        sa.UniqueConstraint('token', name=op.f('uq_form_submissions_token')),
    )


def downgrade():
    op.drop_table('form_submissions')
