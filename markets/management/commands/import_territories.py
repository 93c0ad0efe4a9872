from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dealerhub.core.jobs import enqueue_on_commit
from markets.services import refresh_territory_counts, territories_import
from markets.tasks import refresh_territory_counts as refresh_task


class Command(BaseCommand):
    help = (
        "Import the territory tree from a CSV with columns code,name,parent_code,level "
        "(optional: tier,population_total,population_urban,longitude,latitude). "
        "Every bad row is reported and nothing is imported unless all rows are good."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_path", type=Path)
        parser.add_argument(
            "--sync-counts",
            action="store_true",
            help="Recount counties/towns now instead of in a background job.",
        )

    def handle(self, *args, csv_path: Path, sync_counts: bool, **options) -> None:
        try:
            text = csv_path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {csv_path}: {exc}") from exc
        report = territories_import(text=text)
        if not report.ok:
            for row, message in report.errors:
                self.stderr.write(f"row {row}: {message}")
            raise CommandError(
                f"{len(report.errors)} bad row(s) in {csv_path}; nothing was imported."
            )
        if sync_counts:
            refresh_territory_counts()
        else:
            enqueue_on_commit(refresh_task)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.total_rows} territories: {report.created} created, "
                f"{report.updated} updated."
            )
        )
