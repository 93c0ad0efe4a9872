import hashlib
import secrets
from functools import cached_property

import pghistory
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HQ_ADMIN = "hq_admin", _("HQ admin")
    MANAGER = "manager", _("Regional manager")
    REP = "rep", _("Sales rep")
    ERP_CLIENT = "erp_client", _("ERP client")


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["password", "last_login"],
)
class User(AbstractUser):
    """A person (or an ERP system) using DealerHub, with a role and assigned territories."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.REP)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    territories = models.ManyToManyField(
        "markets.Territory",
        verbose_name=_("assigned territories"),
        related_name="assigned_users",
        blank=True,
        help_text=_("The user sees these territories and everything below them."),
    )
    all_territories = models.BooleanField(
        _("all territories"),
        default=False,
        help_text=_("ERP clients only: scope covers every territory."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_hq(self) -> bool:
        """HQ admins and Django superusers configure the system and see everything."""
        return self.is_superuser or self.role == Role.HQ_ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER and not self.is_hq

    @property
    def is_rep(self) -> bool:
        return self.role == Role.REP and not self.is_hq

    @property
    def is_erp_client(self) -> bool:
        return self.role == Role.ERP_CLIENT and not self.is_superuser

    @property
    def sees_everything(self) -> bool:
        return self.is_hq or (self.is_erp_client and self.all_territories)

    @cached_property
    def scope_paths(self) -> list[str]:
        """Materialised paths of the assigned territories (one query per request)."""
        return list(self.territories.values_list("path", flat=True))


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A machine credential; only its SHA-256 hash is stored, the secret is shown once."""

    PREFIX = "dh_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(_("key prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def issue(cls, *, user: User, name: str, expires_at=None) -> tuple["ApiToken", str]:
        """Create a token and return it with its secret, which is never stored."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_prefix=raw[:10],
            key_hash=_hash_token(raw),
            expires_at=expires_at,
        )
        return token, raw

    @classmethod
    def find(cls, raw: str) -> "ApiToken | None":
        # One query for the token, its user and (for ERP clients) the client's scopes.
        return (
            cls.objects.usable()
            .select_related("user", "user__api_client")
            .filter(key_hash=_hash_token(raw))
            .first()
        )
