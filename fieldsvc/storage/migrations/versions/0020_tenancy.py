"""Many subdistricts in one install: each user's subdistricts, and the subdistrict of every
survey, bin, plan, resident's report, work order, Traffy ticket and partner key.

The rows already here are given the subdistrict of their village; a row without a village is
given the install's subdistrict when it holds exactly one (every single-office install), and
is left empty otherwise (only users of every subdistrict see such rows). A work order takes its
bin's. Plan versions count per subdistrict from now on.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

#: Tables that get a ``subdistrict_id`` and take it from their ``village_id`` where they have one.
BY_VILLAGE = ("submission", "bin", "citizen_report", "work_order", "traffy_ticket")
#: Tables without a village: they take the install's only subdistrict, if there is one.
WITHOUT_VILLAGE = ("allocation_plan", "open311_key")


def upgrade() -> None:
    op.create_table(
        "user_subdistrict",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("appuser.id"), primary_key=True),
        sa.Column("subdistrict_id", sa.Integer, sa.ForeignKey("subdistrict.id"), primary_key=True),
    )
    op.create_index("ix_user_subdistrict_subdistrict_id", "user_subdistrict", ["subdistrict_id"])
    for table in BY_VILLAGE + WITHOUT_VILLAGE:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("subdistrict_id", sa.Integer, nullable=True))
            batch.create_foreign_key(
                f"fk_{table}_subdistrict_id", "subdistrict", ["subdistrict_id"], ["id"]
            )
            batch.create_index(f"ix_{table}_subdistrict_id", ["subdistrict_id"])
    for table in BY_VILLAGE:
        op.execute(
            f"UPDATE {table} SET subdistrict_id = "
            f"(SELECT v.subdistrict_id FROM village v WHERE v.id = {table}.village_id) "
            "WHERE village_id IS NOT NULL"
        )
    op.execute(
        "UPDATE work_order SET subdistrict_id = "
        "(SELECT b.subdistrict_id FROM bin b WHERE b.id = work_order.bin_id) "
        "WHERE subdistrict_id IS NULL AND bin_id IS NOT NULL"
    )
    only = "(SELECT MIN(id) FROM subdistrict)"
    for table in BY_VILLAGE + WITHOUT_VILLAGE:
        op.execute(
            f"UPDATE {table} SET subdistrict_id = {only} "
            "WHERE subdistrict_id IS NULL AND (SELECT COUNT(*) FROM subdistrict) = 1"
        )
    _plan_versions_per_subdistrict()


def _plan_versions_per_subdistrict() -> None:
    """``version`` was unique in the install; now (subdistrict, version) is."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.drop_constraint("allocation_plan_version_key", "allocation_plan", type_="unique")
        op.create_unique_constraint(
            "uq_plan_subdistrict_version", "allocation_plan", ["subdistrict_id", "version"]
        )
        return
    naming = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
    with op.batch_alter_table(
        "allocation_plan", naming_convention=naming, recreate="always"
    ) as batch:
        batch.drop_constraint("uq_allocation_plan_version", type_="unique")
        batch.create_unique_constraint("uq_plan_subdistrict_version", ["subdistrict_id", "version"])


def downgrade() -> None:
    with op.batch_alter_table("allocation_plan", recreate="always") as batch:
        batch.drop_constraint("uq_plan_subdistrict_version", type_="unique")
        batch.create_unique_constraint("allocation_plan_version_key", ["version"])
    for table in BY_VILLAGE + WITHOUT_VILLAGE:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_subdistrict_id")
            batch.drop_constraint(f"fk_{table}_subdistrict_id", type_="foreignkey")
            batch.drop_column("subdistrict_id")
    op.drop_table("user_subdistrict")
