from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Creates a user, or resets its password and activates it (test data only)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("password")

    def handle(self, *args, **options):
        user, _ = get_user_model().objects.get_or_create(username=options["username"])
        user.email = f"{options['username']}@example.com"
        user.is_active = True
        user.set_password(options["password"])
        user.save()
