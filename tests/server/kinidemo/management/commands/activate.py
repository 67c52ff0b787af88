from ._userflag import SetActiveCommand


class Command(SetActiveCommand):
    help = "Marks a user active again."
    active = True
