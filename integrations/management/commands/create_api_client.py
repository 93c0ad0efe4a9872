from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from integrations.choices import Access
from integrations.models import ALL, RESOURCE_NAMES, ApiClient
from integrations.services import api_client_create
from markets.models import Territory


class Command(BaseCommand):
    help = (
        "Create an ERP client and print its API token (shown once). "
        "`--scope all` gives write access to every resource and territory."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            metavar="RESOURCE[:read|write]|all",
            help=f"Repeatable. Resources: {', '.join(RESOURCE_NAMES)}; 'all' = everything.",
        )
        parser.add_argument(
            "--rate-limit",
            type=int,
            default=0,
            metavar="N",
            help="Requests per minute for this client's tokens (default 1200).",
        )
        parser.add_argument(
            "--territory",
            action="append",
            default=[],
            metavar="CODE",
            help="Limit the client to these territories (administrative codes); "
            "default: all territories.",
        )

    def handle(
        self, *args, name: str, scope: list[str], territory: list[str], rate_limit: int, **options
    ):
        scopes: dict[str, str] = {}
        for item in scope or ["all"]:
            resource, _, access = item.partition(":")
            if resource == "all":
                scopes[ALL] = access or Access.WRITE
            else:
                scopes[resource] = access or Access.READ
        territory_ids = list(
            Territory.objects.filter(code__in=territory).values_list("id", flat=True)
        )
        if len(territory_ids) != len(set(territory)):
            raise CommandError("Unknown territory code in --territory.")
        try:
            client, raw = api_client_create(
                name=name,
                resource_scopes=scopes,
                all_territories=not territory,
                territory_ids=territory_ids,
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        if rate_limit:
            ApiClient.objects.filter(pk=client.pk).update(rate_limit_per_minute=rate_limit)
        self.stderr.write(f"Created ERP client {client.name!r} (user {client.user.username}).")
        self.stderr.write("Its token follows; it is shown only this once:")
        self.stdout.write(raw)
