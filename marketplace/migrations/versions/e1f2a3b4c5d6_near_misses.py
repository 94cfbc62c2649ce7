"""near_misses: postings a candidate would fit but for one or two hard rules

Revision ID: e1f2a3b4c5d6
Revises: e5f1a2b3c4d7
Create Date: 2026-12-07 05:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1f2a3b4c5d6'
down_revision = 'e5f1a2b3c4d7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'near_misses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seeker_ref', sa.String(length=24), nullable=False),
        sa.Column('candidate_profile_id', sa.Integer(), nullable=False),
        sa.Column('posting_id', sa.Integer(), nullable=False),
        sa.Column('scheme', sa.String(length=32), nullable=False),
        sa.Column('rules', sa.JSON(), nullable=False),
        sa.Column('score', sa.Double(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['candidate_profile_id'], ['candidate_profiles.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['posting_id'], ['postings.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('seeker_ref', 'posting_id', 'scheme'),
    )
    op.create_index(op.f('ix_near_misses_candidate_profile_id'), 'near_misses', ['candidate_profile_id'], unique=False)
    op.create_index(op.f('ix_near_misses_posting_id'), 'near_misses', ['posting_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_near_misses_posting_id'), table_name='near_misses')
    op.drop_index(op.f('ix_near_misses_candidate_profile_id'), table_name='near_misses')
    op.drop_table('near_misses')
