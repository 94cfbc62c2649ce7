"""API tokens

Revision ID: 8b6c5f2d0a76
Revises: 7a5b4e1c9f65
Create Date: 2026-11-27 09:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b6c5f2d0a76'
down_revision = '7a5b4e1c9f65'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
