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
    op.create_table('prefecture_support_structures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prefecture_code', sa.String(length=2), nullable=False),
    sa.Column('council', sa.Boolean(), nullable=False),
    sa.Column('hearing', sa.Boolean(), nullable=False),
    sa.Column('talent', sa.Boolean(), nullable=False),
    sa.Column('themes', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['prefecture_code'], ['prefectures.code'], name=op.f('fk_prefecture_support_structures_prefecture_code_prefectures')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_prefecture_support_structures_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prefecture_support_structures')),
    sa.UniqueConstraint('prefecture_code', name=op.f('uq_prefecture_support_structures_prefecture_code'))
    )


def downgrade():
    op.drop_table('prefecture_support_structures')
