"""match pipeline: events, consent, messages, trial, follow-ups

Revision ID: 3c1f0a7e5b21
Revises: 2ba9255d6940
Create Date: 2026-11-27 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c1f0a7e5b21'
down_revision = '2ba9255d6940'
branch_labels = None
depends_on = None



_CONSENT = sa.Enum('accepted', 'declined', name='consent', native_enum=False, length=16)


def upgrade():
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('reject_reason', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('seeker_interest_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('poster_interest_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('seeker_consent', _CONSENT, nullable=True))
        batch_op.add_column(sa.Column('seeker_consent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('poster_consent', _CONSENT, nullable=True))
        batch_op.add_column(sa.Column('poster_consent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('nda_version', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('nda_accepted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('introduced_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_step', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('next_step_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('trial_starts_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('trial_ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('adoption_route', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('budget_timing', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('appointment_status', sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f('ix_matches_next_step_due'), ['next_step_due'], unique=False)

    op.create_table('match_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('match_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_events_match_id'), ['match_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_events_created_at'), ['created_at'], unique=False)

    op.create_table('match_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('match_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_messages_match_id'), ['match_id'], unique=False)

    op.create_table('trial_debriefs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=8), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('fit', sa.Integer(), nullable=False),
    sa.Column('would_continue', sa.Boolean(), nullable=False),
    sa.Column('next_step', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('match_id', 'side')
    )
    with op.batch_alter_table('trial_debriefs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trial_debriefs_match_id'), ['match_id'], unique=False)

    op.create_table('match_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('still_going', sa.Boolean(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('match_id', 'months')
    )
    with op.batch_alter_table('match_follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_follow_ups_match_id'), ['match_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_follow_ups_due_on'), ['due_on'], unique=False)


def downgrade():
    op.drop_table('match_follow_ups')
    op.drop_table('trial_debriefs')
    op.drop_table('match_messages')
    op.drop_table('match_events')
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matches_next_step_due'))
        for column in ('appointment_status', 'budget_timing', 'adoption_route', 'trial_ends_on', 'trial_starts_on',
                       'next_step_due', 'next_step', 'closed_at', 'agreed_at', 'introduced_at', 'approved_at',
                       'nda_accepted_at', 'nda_version', 'poster_consent_at', 'poster_consent',
                       'seeker_consent_at', 'seeker_consent', 'poster_interest_at', 'seeker_interest_at',
                       'reject_reason', 'outcome'):
            batch_op.drop_column(column)
