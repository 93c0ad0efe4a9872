"""The idempotency records now belong to the core (its migration 0002 keeps the table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0002_job_claims"),
        ("core", "0002_idempotencyrecord"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
            database_operations=[],
        ),
    ]
