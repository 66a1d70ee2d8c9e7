from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StampConfig(AppConfig):
    name = "stamp"
    verbose_name = _("The stamp")

    def ready(self) -> None:
        # A claim lapses at its deadline without a write: no cached page outlives it.
        from django.db.models.signals import post_delete, post_save

        from core.page_cache import add_deadline, remember_deadline
        from stamp.models import Claim
        from stamp.queries import next_deadline

        add_deadline(next_deadline)

        def claims_changed(**kwargs: object) -> None:
            remember_deadline()

        for signal in (post_save, post_delete):
            signal.connect(claims_changed, sender=Claim, weak=False, dispatch_uid="stamp.deadline")
