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
    pass


def downgrade():
    pass
