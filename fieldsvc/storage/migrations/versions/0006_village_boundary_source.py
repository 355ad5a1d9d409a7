"""Where a village boundary came from: imported (real) or approximate (Voronoi of centres).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("village") as batch:
        batch.add_column(sa.Column("boundary_source", sa.String(12), nullable=True))
    # Every boundary stored before this revision came from a map file of real boundaries.
    op.execute("UPDATE village SET boundary_source = 'imported' WHERE boundary IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("village") as batch:
        batch.drop_column("boundary_source")
