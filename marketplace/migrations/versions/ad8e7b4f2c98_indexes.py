"""indexes: the public posting list reads postings newest first without sorting them all

Revision ID: ad8e7b4f2c98
Revises: 9c7d6a3e1b87
Create Date: 2026-11-27 10:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'ad8e7b4f2c98'
down_revision = '9c7d6a3e1b87'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_postings_status_published_at', 'postings', ['status', 'published_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_postings_status_published_at', table_name='postings')
