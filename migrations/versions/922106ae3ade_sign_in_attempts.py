"""Sign-in attempts: slow down password guessing, and keep who tried for audit

Revision ID: 922106ae3ade
Revises: 8aa309304bc5
Create Date: 2026-11-22 02:56:02.480115

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '922106ae3ade'
down_revision = '8aa309304bc5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_success', sa.Boolean(), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_attempts'))
    )
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_attempts_username'), ['username'], unique=False)



def downgrade():
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_attempts_username'))

    op.drop_table('sign_in_attempts')
