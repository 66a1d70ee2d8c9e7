from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        # initiatives may not import matchmaking: it tells of the editors' decisions by a
        # signal, and the owner's in-app notification is made here.
        from initiatives.signals import item_decided
        from matchmaking.receivers import on_item_decided

        item_decided.connect(on_item_decided, dispatch_uid="matchmaking.item_decided")
