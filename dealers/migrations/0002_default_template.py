"""Install the spec's default scorecard (version 1, published) and the objection playbook."""

from django.db import migrations
from django.utils import timezone


def install(apps, schema_editor):
    from dealers.defaults import DEFAULT_CRITERIA, DEFAULT_OBJECTIONS, DEFAULT_TEMPLATE_NAME

    Template = apps.get_model("dealers", "ScorecardTemplate")
    Criterion = apps.get_model("dealers", "Criterion")
    SubItem = apps.get_model("dealers", "SubItem")
    ObjectionAnswer = apps.get_model("dealers", "ObjectionAnswer")
    template, created = Template.objects.get_or_create(
        name=DEFAULT_TEMPLATE_NAME,
        version=1,
        defaults={"status": "published", "published_at": timezone.now()},
    )
    if created:
        for position, (code, name, name_en, weight, items) in enumerate(DEFAULT_CRITERIA):
            criterion = Criterion.objects.create(
                template=template, code=code, name=name, name_en=name_en, weight=weight,
                position=position,
            )
            for item_position, (item_code, item_name, item_en, one, three, five) in enumerate(
                items
            ):
                SubItem.objects.create(
                    criterion=criterion, code=item_code, name=item_name, name_en=item_en,
                    weight=1, position=item_position, level_1=one, level_3=three, level_5=five,
                )
    for code, heading, answer in DEFAULT_OBJECTIONS:
        ObjectionAnswer.objects.get_or_create(
            objection=code, defaults={"heading": heading, "answer": answer}
        )


class Migration(migrations.Migration):
    dependencies = [("dealers", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
