from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    # Explicit: on sqlite, DRF derives no lower bound from PositiveIntegerField, and -1 would reach
    # the database's CHECK constraint as a 500 instead of a 400.
    quantity = models.PositiveIntegerField(default=0, validators=[MinValueValidator(0)])
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="items")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name
