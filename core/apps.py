from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        # Any write to the content apps makes every cached page stale (core.page_cache).
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from core.page_cache import content_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_changed, dispatch_uid="core.page_cache")
