"""Screening decisions, referrals, actions (obligation titles) and withdrawn obligations

Revision ID: d75008d7ae3f
Revises: 922106ae3ade
Create Date: 2026-11-22 03:12:40.487119

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd75008d7ae3f'
down_revision = '922106ae3ade'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('source', sa.Enum('1A', '1B', '1C', '1D', '2A', '2B', '3A', '3B', '3C', '3D', '3E', '3F', '4', '5A', '5B', '5C', '5D', '6', '7', '8', '9', '10', name='referralsource', native_enum=False, length=4), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_nfa', sa.Boolean(), nullable=False),
    sa.Column('nfa_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['contact_children.id'], name=op.f('fk_referrals_child_id_contact_children')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_referrals_contact_id_contacts')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_referrals_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals')),
    sa.UniqueConstraint('child_id', name=op.f('uq_referrals_child_id'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_referred_on'), ['referred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_team_id'), ['team_id'], unique=False)

    op.create_table('screening_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('nfa', 'advice', 'early_help', 'referral', 'strategy_discussion', name='screeningoutcome', native_enum=False, length=30), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('is_joint_investigation', sa.Boolean(), nullable=False),
    sa.Column('social_care_manager_id', sa.Integer(), nullable=True),
    sa.Column('onward_agency', sa.String(length=200), nullable=False),
    sa.Column('onward_purpose', sa.Text(), nullable=False),
    sa.Column('onward_agreed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['contact_children.id'], name=op.f('fk_screening_decisions_child_id_contact_children')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_screening_decisions_contact_id_contacts')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_screening_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['onward_agreed_by_id'], ['users.id'], name=op.f('fk_screening_decisions_onward_agreed_by_id_users')),
    sa.ForeignKeyConstraint(['social_care_manager_id'], ['users.id'], name=op.f('fk_screening_decisions_social_care_manager_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_decisions'))
    )
    with op.batch_alter_table('screening_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_decisions_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_screening_decisions_contact_id'), ['contact_id'], unique=False)

    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_withdrawn', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('title', sa.String(length=300), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.drop_column('title')
        batch_op.drop_column('is_withdrawn')

    with op.batch_alter_table('screening_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_decisions_contact_id'))
        batch_op.drop_index(batch_op.f('ix_screening_decisions_child_id'))

    op.drop_table('screening_decisions')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_team_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_referred_on'))
        batch_op.drop_index(batch_op.f('ix_referrals_contact_id'))

    op.drop_table('referrals')
