"""Leave room on each evaluation page so re-scoring updates stay HOT (no index writes)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("dealers", "0002_default_template")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE dealers_evaluation SET (fillfactor = 70)",
            "ALTER TABLE dealers_evaluation RESET (fillfactor)",
        )
    ]
