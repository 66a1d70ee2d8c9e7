from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StampConfig(AppConfig):
    name = "stamp"
    verbose_name = _("The stamp")
