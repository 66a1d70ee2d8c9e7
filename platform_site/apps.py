from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin app, with the project's site class as ``admin.site``; also the
    composition root's one ``ready``: the home page's cached figures listen for changes."""

    default_site = "platform_site.admin.SiteAdmin"

    def ready(self) -> None:
        super().ready()
        from platform_site import home

        home.connect()
