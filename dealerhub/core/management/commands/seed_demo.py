"""A realistic, coherent demo data set; safe to run any number of times."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Create or refresh the demo data set (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", "dealerhub2026"),
            help="Password for newly created demo users (demo only).",
        )

    @transaction.atomic
    def handle(self, *args, password: str, **options) -> None:
        done = []
        # Each app contributes `seed(*, password) -> str` steps in its demo.py; the
        # project's settings list them in order (territories, then users, then what
        # hangs off them), so this kernel command imports no domain app itself.
        for step in settings.DEMO_SEED_STEPS:
            done.append(import_string(step)(password=password))
        self.stdout.write(self.style.SUCCESS("Demo data ready: " + "; ".join(done) + "."))
