"""Each subdistrict's own office name (Thai and English), for the documents and pages about it
in an install that serves several; empty: the install's FIELDSVC_OFFICE_NAME(_EN).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subdistrict") as batch:
        batch.add_column(sa.Column("office_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("office_name_en", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subdistrict") as batch:
        batch.drop_column("office_name_en")
        batch.drop_column("office_name")
