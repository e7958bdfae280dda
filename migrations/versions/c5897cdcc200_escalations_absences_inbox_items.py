"""Escalation ladders (escalations, each obligation's next step), absences and cover, inbox items (R50)

Revision ID: c5897cdcc200
Revises: 09d9156e0dbd
Create Date: 2026-11-22 04:42:20.798832

"""
from alembic import op
import sqlalchemy as sa

from dutydesk.clock import as_utc
from dutydesk.rules import LADDERS


# revision identifiers, used by Alembic.
revision = 'c5897cdcc200'
down_revision = '09d9156e0dbd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('absences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cover_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), server_default='', nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cover_id'], ['users.id'], name=op.f('fk_absences_cover_id_users')),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_absences_ended_by_id_users')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_absences_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['worker_id'], ['users.id'], name=op.f('fk_absences_worker_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absences'))
    )
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.create_index('ix_absences_worker_id_ends_at', ['worker_id', 'ends_at'], unique=False)

    op.create_table('inbox_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('post', 'email', 'phone', name='inboxchannel', native_enum=False, length=10), nullable=False),
    sa.Column('addressed_to_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actioned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('actioned_by_id', sa.Integer(), nullable=True),
    sa.Column('action_note', sa.Text(), server_default='', nullable=False),
    sa.Column('escalation_level', sa.Integer(), nullable=True),
    sa.Column('escalates_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actioned_by_id'], ['users.id'], name=op.f('fk_inbox_items_actioned_by_id_users')),
    sa.ForeignKeyConstraint(['addressed_to_id'], ['users.id'], name=op.f('fk_inbox_items_addressed_to_id_users')),
    sa.ForeignKeyConstraint(['holder_id'], ['users.id'], name=op.f('fk_inbox_items_holder_id_users')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_inbox_items_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_inbox_items_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_items'))
    )
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_items_addressed_to_id'), ['addressed_to_id'], unique=False)
        batch_op.create_index('ix_inbox_items_escalates_at', ['escalates_at'], unique=False, sqlite_where=sa.text('actioned_at IS NULL AND escalates_at IS NOT NULL'), postgresql_where=sa.text('actioned_at IS NULL AND escalates_at IS NOT NULL'))
        batch_op.create_index('ix_inbox_items_open_holder_id', ['holder_id', 'due_at'], unique=False, sqlite_where=sa.text('actioned_at IS NULL'), postgresql_where=sa.text('actioned_at IS NULL'))

    op.create_table('escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('obligation_id', sa.Integer(), nullable=True),
    sa.Column('inbox_item_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledgement', sa.Text(), server_default='', nullable=False),
    sa.Column('email_status', sa.Enum('pending', 'sent', 'failed', 'not sent', name='emailstatus', native_enum=False, length=10), nullable=False),
    sa.Column('email_attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('email_next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('email_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('email_error', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint('(obligation_id IS NULL) <> (inbox_item_id IS NULL)', name=op.f('ck_escalations_escalation_has_one_subject')),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_escalations_acknowledged_by_id_users')),
    sa.ForeignKeyConstraint(['inbox_item_id'], ['inbox_items.id'], name=op.f('fk_escalations_inbox_item_id_inbox_items')),
    sa.ForeignKeyConstraint(['obligation_id'], ['obligations.id'], name=op.f('fk_escalations_obligation_id_obligations')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_escalations_recipient_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_escalations_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalations')),
    sa.UniqueConstraint('inbox_item_id', 'level', name=op.f('uq_escalations_inbox_item_id_level')),
    sa.UniqueConstraint('obligation_id', 'level', name=op.f('uq_escalations_obligation_id_level'))
    )
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index('ix_escalations_email_pending', ['email_next_attempt_at'], unique=False, sqlite_where=sa.text("email_status = 'pending'"), postgresql_where=sa.text("email_status = 'pending'"))
        batch_op.create_index('ix_escalations_waiting_recipient', ['recipient_id'], unique=False, sqlite_where=sa.text('acknowledged_at IS NULL'), postgresql_where=sa.text('acknowledged_at IS NULL'))
        batch_op.create_index('ix_escalations_waiting_team', ['team_id', 'issued_at'], unique=False, sqlite_where=sa.text('acknowledged_at IS NULL'), postgresql_where=sa.text('acknowledged_at IS NULL'))

    with op.batch_alter_table('obligations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalation_level', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('escalates_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_obligations_escalates_at', ['escalates_at'], unique=False, sqlite_where=sa.text('met_at IS NULL AND escalates_at IS NOT NULL'), postgresql_where=sa.text('met_at IS NULL AND escalates_at IS NOT NULL'))
    _start_ladders_of_open_obligations()


    # ### end Alembic commands ###


def _start_ladders_of_open_obligations():
    """Work open at the upgrade starts its ladder where it would be had it been opened today."""
    obligations = sa.table("obligations", sa.column("id"), sa.column("kind"), sa.column("created_at"),
                           sa.column("due_at"), sa.column("met_at"), sa.column("escalation_level"),
                           sa.column("escalates_at", sa.DateTime(timezone=True)))
    connection = op.get_bind()
    rows = connection.execute(sa.select(obligations.c.id, obligations.c.kind, obligations.c.created_at,
                                        obligations.c.due_at).where(obligations.c.met_at.is_(None))).all()
    for row in rows:
        ladder = LADDERS[row.kind]
        created_at, due_at = (as_utc(_datetime(value)) for value in (row.created_at, row.due_at))
        level = ladder.first_step(created_at, due_at)
        connection.execute(obligations.update().where(obligations.c.id == row.id).values(
            escalation_level=int(level), escalates_at=ladder.step_at(level, due_at)))


def _datetime(value):
    from datetime import datetime

    return datetime.fromisoformat(value) if isinstance(value, str) else value


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_index('ix_escalations_waiting_team', sqlite_where=sa.text('acknowledged_at IS NULL'), postgresql_where=sa.text('acknowledged_at IS NULL'))
        batch_op.drop_index('ix_escalations_waiting_recipient', sqlite_where=sa.text('acknowledged_at IS NULL'), postgresql_where=sa.text('acknowledged_at IS NULL'))
        batch_op.drop_index('ix_escalations_email_pending', sqlite_where=sa.text("email_status = 'pending'"), postgresql_where=sa.text("email_status = 'pending'"))

    op.drop_table('escalations')
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_items_open_holder_id', sqlite_where=sa.text('actioned_at IS NULL'), postgresql_where=sa.text('actioned_at IS NULL'))
        batch_op.drop_index('ix_inbox_items_escalates_at', sqlite_where=sa.text('actioned_at IS NULL AND escalates_at IS NOT NULL'), postgresql_where=sa.text('actioned_at IS NULL AND escalates_at IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_inbox_items_addressed_to_id'))

    op.drop_table('inbox_items')
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.drop_index('ix_absences_worker_id_ends_at')

    op.drop_table('absences')
    # Not in batch mode: copying obligations would fail on SQLite while transfers refer to them.
    op.drop_index('ix_obligations_escalates_at', table_name='obligations')
    op.drop_column('obligations', 'escalates_at')
    op.drop_column('obligations', 'escalation_level')
    # ### end Alembic commands ###
