from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class SetActiveCommand(BaseCommand):
    """Sets is_active of one user; the running server sees it on the next request."""

    active = True

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        updated = get_user_model().objects.filter(username=options["username"]).update(
            is_active=self.active)
        if not updated:
            raise CommandError(f"no user named {options['username']!r}")
