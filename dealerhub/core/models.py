from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Every business record's creation and last-change times (``updated_at`` drives
    ETags, stale-edit checks and incremental pulls, hence its index)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class OutboxEntry(models.Model):
    """A background job that could not reach the broker; re-sent once Redis is back."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "outbox entry"
        verbose_name_plural = "outbox entries"

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"


class ClaimedJob(models.Model):
    """Claim fields of a job row (see ``dealerhub.core.jobs.claim``)."""

    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The Celery task id of the run holding the job; later writes are fenced on it.
    claimed_by = models.CharField(max_length=64, blank=True, editable=False)
    # Claims taken (for a sheet: since it was last asked for or rendered); the sweep gives
    # up on a job whose claims keep dying after a few.
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """The stored outcome of an API write sent with an Idempotency-Key (kept 48 h; the
    contract promises at least 24 h). Part of the sync contract (``core.api.sync``)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ProgressJob(ClaimedJob, TimeStampedModel):
    """A background job over many rows, with its progress for the UI (recomputes)."""

    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.processed / self.total))
