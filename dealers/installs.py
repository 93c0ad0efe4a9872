"""The default scorecard's versions, installed with a migration's historical models.

Migrations call these with their ``apps``; tests call ``install_default_scorecard(apps)``
after a flush (transactional tests empty the tables migrations filled), so a fresh
database and a flushed one end the same: version 2 published, version 1 retired.

Publishing here follows ``services.template_new_draft`` + ``services.template_publish``
(which use today's models and cannot run inside a migration): copy the published
version, retire it, publish the copy, and queue the re-scoring of every evaluation of
the template as a RecomputeJob. The job's message goes to the outbox, because no broker
is guaranteed while migrating: the first job sweep (at every worker start, then every
minute) sends it, and the sweep also re-sends a job left queued, so it cannot be lost.
The recompute appends the new scores to EvaluationScore; the version 1 rows stay.
"""

from __future__ import annotations

from importlib import import_module

from django.utils import timezone

from .defaults import DEFAULT_RED_FLAG_LEVELS, DEFAULT_TEMPLATE_NAME, DEFAULT_THRESHOLDS_V2

# The Celery name of dealers.tasks.run_recompute_job (a test checks they agree).
RECOMPUTE_TASK = "dealers.tasks.run_recompute_job"
V2_NOTES = (
    "规格第二版：实力匹配 1 ≤ r ≤ 1.5 满分，其后每超出 1 倍扣 20 分，最低 20 分；"
    "与上一家厂商分手原因或付款记录评 1 级即为红旗（口碑否决）。"
)


def install_default_scorecard(apps) -> None:
    """Version 1 (migration 0002), then version 2 published in its place."""
    import_module("dealers.migrations.0002_default_template").install(apps, None)
    publish_default_version_2(apps)


def _follows_v2(template, subitems) -> bool:
    levels = {item.code: item.red_flag_level for item in subitems}
    return all(
        getattr(template, name) == value for name, value in DEFAULT_THRESHOLDS_V2.items()
    ) and all(levels.get(code) == level for code, level in DEFAULT_RED_FLAG_LEVELS.items())


def publish_default_version_2(apps):
    """Publish the spec's version 2 of the default template, unless the published version
    already follows it; returns the new version, or None when nothing was done.

    The new version copies the published one (its criteria, weights, sub-items and level
    texts: an edited default keeps its edits) with the version 2 fit function and red-flag
    ratings. Evaluations of the template are queued for re-scoring.
    """
    Template = apps.get_model("dealers", "ScorecardTemplate")
    Criterion = apps.get_model("dealers", "Criterion")
    SubItem = apps.get_model("dealers", "SubItem")
    versions = Template.objects.filter(name=DEFAULT_TEMPLATE_NAME)
    source = versions.filter(status="published").first() or versions.order_by("-version").first()
    if source is None:
        return None
    if source.status == "published" and _follows_v2(
        source, SubItem.objects.filter(criterion__template=source)
    ):
        return None
    now = timezone.now()
    latest = versions.order_by("-version").first().version
    new = Template.objects.create(
        name=DEFAULT_TEMPLATE_NAME,
        version=latest + 1,
        status="draft",
        notes=V2_NOTES,
        **DEFAULT_THRESHOLDS_V2,
    )
    for criterion in Criterion.objects.filter(template=source).order_by("position", "id"):
        items = list(SubItem.objects.filter(criterion=criterion).order_by("position", "id"))
        criterion.pk = None
        criterion.template = new
        criterion.save()
        for item in items:
            item.pk = None
            item.criterion = criterion
            item.red_flag_level = DEFAULT_RED_FLAG_LEVELS.get(item.code, item.red_flag_level)
            item.save()
    versions.filter(status="published").update(status="retired", updated_at=now)
    new.status = "published"
    new.published_at = now
    new.save(update_fields=["status", "published_at", "updated_at"])
    if apps.get_model("dealers", "Evaluation").objects.filter(template__in=versions).exists():
        job = apps.get_model("dealers", "RecomputeJob").objects.create(
            kind="template", template=new
        )
        apps.get_model("core", "OutboxEntry").objects.create(
            task_name=RECOMPUTE_TASK,
            args=[job.pk],
            kwargs={},
            error="queued by the migration publishing version 2",
        )
    return new
