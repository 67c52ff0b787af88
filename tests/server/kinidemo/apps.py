from django.apps import AppConfig


class KiniDemoConfig(AppConfig):
    name = "kinidemo"
    default_auto_field = "django.db.models.AutoField"
