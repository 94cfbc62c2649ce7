"""privacy: disclosure records and data requests

Revision ID: 9c7d6a3e1b87
Revises: 8b6c5f2d0a76
Create Date: 2026-11-27 09:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c7d6a3e1b87'
down_revision = '8b6c5f2d0a76'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('disclosure_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_user_id', sa.Integer(), nullable=True),
    sa.Column('subject_key', sa.String(length=16), nullable=False),
    sa.Column('recipient_org_id', sa.Integer(), nullable=True),
    sa.Column('recipient_user_id', sa.Integer(), nullable=True),
    sa.Column('recipient_label', sa.String(length=200), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('basis', sa.String(length=64), nullable=False),
    sa.Column('consent_record_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retain_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['consent_record_id'], ['consent_records.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['match_id'], ['matches.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recipient_org_id'], ['organisations.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recipient_user_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_user_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('disclosure_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_records_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_records_subject_key'), ['subject_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_records_subject_user_id'), ['subject_user_id'], unique=False)

    op.create_table('data_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('data_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_requests_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('candidate_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('use_stopped_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('candidate_profiles', schema=None) as batch_op:
        batch_op.drop_column('use_stopped_at')
    op.drop_table('data_requests')
    op.drop_table('disclosure_records')
