"""Initial schema: people, contacts, obligations, history and record views

Revision ID: 8aa309304bc5
Revises: 
Create Date: 2026-11-22 02:23:00.569383

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8aa309304bc5'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('contact_centre', 'duty', 'out_of_hours', name='teamkind', native_enum=False, length=30), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('name', name=op.f('uq_teams_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_users_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_team_id'), ['team_id'], unique=False)

    # teams and users refer to each other: the team's manager is added once users exists.
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_teams_manager_id_users'), 'users', ['manager_id'], ['id'])

    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.Enum('phone', 'email', 'letter', 'in_person', 'online', name='channel', native_enum=False, length=30), nullable=False),
    sa.Column('logged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('logged_by_id', sa.Integer(), nullable=False),
    sa.Column('concern', sa.Text(), nullable=False),
    sa.Column('concern_category', sa.Enum('physical_abuse', 'sexual_abuse', 'emotional_abuse', 'neglect', 'domestic_abuse', 'exploitation', 'missing', 'parental_capacity', 'child_health', 'family_stress', 'other', name='concerncategory', native_enum=False, length=30), nullable=False),
    sa.Column('is_possible_crime', sa.Boolean(), nullable=False),
    sa.Column('is_deliberate_harm_alleged', sa.Boolean(), nullable=False),
    sa.Column('is_child_in_hospital', sa.Boolean(), nullable=False),
    sa.Column('is_child_missing_school', sa.Boolean(), nullable=False),
    sa.Column('is_child_in_temporary_accommodation', sa.Boolean(), nullable=False),
    sa.Column('referrer_name', sa.String(length=200), nullable=False),
    sa.Column('referrer_role', sa.String(length=200), nullable=False),
    sa.Column('referrer_agency', sa.String(length=200), nullable=False),
    sa.Column('referrer_address', sa.Text(), nullable=False),
    sa.Column('referrer_phone', sa.String(length=50), nullable=False),
    sa.Column('referrer_email', sa.String(length=254), nullable=False),
    sa.Column('is_referrer_professional', sa.Boolean(), nullable=False),
    sa.Column('referral_source', sa.Enum('1A', '1B', '1C', '1D', '2A', '2B', '3A', '3B', '3C', '3D', '3E', '3F', '4', '5A', '5B', '5C', '5D', '6', '7', '8', '9', '10', name='referralsource', native_enum=False, length=4), nullable=False),
    sa.Column('is_put_through', sa.Boolean(), nullable=False),
    sa.Column('no_referrer_details_reason', sa.Enum('anonymous', 'refused', 'call_ended', name='noreferrerdetailsreason', native_enum=False, length=30), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_contacts_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['logged_by_id'], ['users.id'], name=op.f('fk_contacts_logged_by_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_contacts_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_team_id'), ['team_id'], unique=False)

    op.create_table('form_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('restored_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_form_drafts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_drafts'))
    )
    with op.batch_alter_table('form_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_drafts_user_id'), ['user_id'], unique=False)

    op.create_table('role_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('call_handler', 'duty_worker', 'duty_manager', 'senior_manager', 'director', 'admin', name='role', native_enum=False, length=30), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_grants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grants')),
    sa.UniqueConstraint('user_id', 'role', name=op.f('uq_role_grants_user_id_role'))
    )
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_grants_user_id'), ['user_id'], unique=False)

    op.create_table('contact_children',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_name_known', sa.Boolean(), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('approximate_age', sa.Integer(), nullable=True),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('first_language', sa.String(length=100), nullable=False),
    sa.Column('interpreter_need', sa.Enum('needed', 'not_needed', 'not_known', name='interpreterneed', native_enum=False, length=30), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_contact_children_contact_id_contacts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_children'))
    )
    with op.batch_alter_table('contact_children', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_children_contact_id'), ['contact_id'], unique=False)

    op.create_table('contact_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_contact_events_by_id_users')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_contact_events_contact_id_contacts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_events'))
    )
    with op.batch_alter_table('contact_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_events_contact_id'), ['contact_id'], unique=False)

    op.create_table('record_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_record_views_contact_id_contacts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_record_views_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_views'))
    )
    with op.batch_alter_table('record_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_views_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_views_user_id'), ['user_id'], unique=False)

    op.create_table('obligations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('verbal_handoff', 'written_handoff', 'referrer_confirmation', 'police_informed', 'child_seen', 'screening_decision', name='obligationkind', native_enum=False, length=30), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('met_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('met_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['contact_children.id'], name=op.f('fk_obligations_child_id_contact_children')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_obligations_contact_id_contacts')),
    sa.ForeignKeyConstraint(['met_by_id'], ['users.id'], name=op.f('fk_obligations_met_by_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_obligations_team_id_teams')),
    sa.ForeignKeyConstraint(['worker_id'], ['users.id'], name=op.f('fk_obligations_worker_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_obligations'))
    )
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_obligations_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index('ix_obligations_open_due_at', ['due_at'], unique=False, sqlite_where=sa.text('met_at IS NULL'), postgresql_where=sa.text('met_at IS NULL'))
        batch_op.create_index(batch_op.f('ix_obligations_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_obligations_worker_id'), ['worker_id'], unique=False)



def downgrade():
    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_obligations_worker_id'))
        batch_op.drop_index(batch_op.f('ix_obligations_team_id'))
        batch_op.drop_index('ix_obligations_open_due_at', sqlite_where=sa.text('met_at IS NULL'), postgresql_where=sa.text('met_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_obligations_contact_id'))

    op.drop_table('obligations')
    with op.batch_alter_table('record_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_views_user_id'))
        batch_op.drop_index(batch_op.f('ix_record_views_contact_id'))

    op.drop_table('record_views')
    with op.batch_alter_table('contact_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_events_contact_id'))

    op.drop_table('contact_events')
    with op.batch_alter_table('contact_children', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_children_contact_id'))

    op.drop_table('contact_children')
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_grants_user_id'))

    op.drop_table('role_grants')
    with op.batch_alter_table('form_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_drafts_user_id'))

    op.drop_table('form_drafts')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_team_id'))
        batch_op.drop_index(batch_op.f('ix_contacts_received_at'))

    op.drop_table('contacts')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_teams_manager_id_users'), type_='foreignkey')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_team_id'))

    op.drop_table('users')
    op.drop_table('teams')
