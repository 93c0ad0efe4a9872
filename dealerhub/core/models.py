from django.db import models


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
