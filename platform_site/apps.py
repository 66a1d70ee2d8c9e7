from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin app, with the project's site class as ``admin.site``."""

    default_site = "platform_site.admin.SiteAdmin"
