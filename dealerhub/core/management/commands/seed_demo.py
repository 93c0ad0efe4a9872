"""A realistic, coherent demo data set; safe to run any number of times."""

import os
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app contributes `seed(*, password) -> str` steps in its demo.py; order matters
# (territories, then users, then what hangs off them). Missing modules are skipped so
# an app can add its step when it lands.
DEMO_STEPS = [
    "markets.demo.seed_territories",
    "accounts.demo.seed",
    "markets.demo.seed_markets",
    "dealers.demo.seed",
    "keyaccounts.demo.seed",
    "promotions.demo.seed",
]


def _load(step: str):
    module_name, function_name = step.rsplit(".", 1)
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if not (module_name == exc.name or module_name.startswith(f"{exc.name}.")):
            raise  # a real import error inside an existing demo module
        return None
    return getattr(module, function_name)


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
        for step in DEMO_STEPS:
            function = _load(step)
            if function is not None:
                done.append(function(password=password))
        self.stdout.write(self.style.SUCCESS("Demo data ready: " + "; ".join(done) + "."))
