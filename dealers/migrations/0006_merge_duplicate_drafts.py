"""Merge duplicate open drafts so that 0006 can allow one per evaluator and candidate.

Concurrent autosaves could leave two drafts of one scorecard. Every autosave posts the
whole form, so the most recently saved draft holds the latest state: it is kept, and
what only an older draft holds (a rating, an evidence note, a red flag) is copied into
it, never overwriting the kept draft's own values. The older drafts' score history moves
to the kept draft before they are deleted. The kept draft's stored scores are marked as
of unknown inputs, so the next autosave or recompute scores the merged ratings.

Drafts whose evaluator was deleted (evaluator NULL) are left alone: the constraint does
not cover them and no one continues them.
"""

from django.db import migrations
from django.db.models import Count


def merge_duplicate_drafts(apps, schema_editor):
    Evaluation = apps.get_model("dealers", "Evaluation")
    EvaluationScore = apps.get_model("dealers", "EvaluationScore")
    SubItem = apps.get_model("dealers", "SubItem")
    duplicated = (
        Evaluation.objects.filter(submitted=False, evaluator__isnull=False)
        .values_list("candidate_id", "evaluator_id")
        .annotate(drafts=Count("id"))
        .filter(drafts__gt=1)
        .order_by("candidate_id", "evaluator_id")
    )
    for candidate_id, evaluator_id, _count in duplicated:
        keep, *older = Evaluation.objects.select_for_update().filter(
            candidate_id=candidate_id, evaluator_id=evaluator_id, submitted=False
        ).order_by("-updated_at", "-id")
        codes = set(
            SubItem.objects.filter(criterion__template_id=keep.template_id).values_list(
                "code", flat=True
            )
        )
        ratings, notes, flags = dict(keep.ratings), dict(keep.notes), set(keep.red_flags)
        for draft in older:  # newest first: a newer draft's value wins
            for code, level in draft.ratings.items():
                if code in codes:
                    ratings.setdefault(code, level)
            for code, text in draft.notes.items():
                if code in codes and text:
                    notes.setdefault(code, text)
            flags.update(draft.red_flags)
        keep.ratings, keep.notes, keep.red_flags = ratings, notes, sorted(flags)
        keep.score_inputs = ""
        keep.save(update_fields=["ratings", "notes", "red_flags", "score_inputs", "updated_at"])
        older_ids = [draft.pk for draft in older]
        EvaluationScore.objects.filter(evaluation_id__in=older_ids).update(evaluation_id=keep.pk)
        Evaluation.objects.filter(pk__in=older_ids).delete()


class Migration(migrations.Migration):
    dependencies = [("dealers", "0005_job_claims")]

    operations = [
        migrations.RunPython(merge_duplicate_drafts, migrations.RunPython.noop, elidable=True)
    ]
