"""Publish the default scorecard's version 2 (the spec's fit function, rating red flags)
and queue the re-scoring of its evaluations; version 1 and its scores stay in history."""

from django.db import migrations


def publish(apps, schema_editor):
    from dealers.installs import publish_default_version_2

    publish_default_version_2(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("dealers", "0010_scoring_reasons"),
        ("core", "0002_idempotencyrecord"),
    ]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
