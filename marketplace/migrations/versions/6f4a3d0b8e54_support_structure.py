"""prefecture support-structure status

Revision ID: 6f4a3d0b8e54
Revises: 5e3f2c9a7d43
Create Date: 2026-11-27 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6f4a3d0b8e54'
down_revision = '5e3f2c9a7d43'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
