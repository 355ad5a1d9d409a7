"""Households from building footprints: where each point comes from and what it stands for.

``source`` is 'survey' (a surveyed house) or 'building' (a building footprint used as a proxy);
``weight`` is the number of households the point stands for. Existing rows are surveyed
houses of weight 1.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("household") as batch:
        batch.add_column(
            sa.Column("source", sa.String(16), nullable=False, server_default="survey")
        )
        batch.add_column(sa.Column("weight", sa.Float, nullable=False, server_default="1"))
    op.create_index("ix_household_source", "household", ["source"])


def downgrade() -> None:
    op.drop_index("ix_household_source", table_name="household")
    with op.batch_alter_table("household") as batch:
        batch.drop_column("weight")
        batch.drop_column("source")
