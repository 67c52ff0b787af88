from ._userflag import SetActiveCommand


class Command(SetActiveCommand):
    help = "Marks a user inactive (is_active=False), as an administrator disabling an account."
    active = False
