"""Challenges, initiatives and stories. A package: the models outgrew one module."""

from initiatives.models.base import (
    SEARCH_CONFIG,
    ChallengeStatus,
    InitiativeStage,
    PartnerRole,
    PublicationStatus,
    ResourceKind,
)
from initiatives.models.challenges import Challenge, ThemedChallenge
from initiatives.models.initiatives import (
    ChallengeLink,
    ImpactFigure,
    Initiative,
    InitiativeImage,
    InitiativePartner,
    InitiativeUpdate,
    ThemedInitiative,
)
from initiatives.models.search import SearchTerm
from initiatives.models.stories import Story

__all__ = [
    "SEARCH_CONFIG",
    "Challenge",
    "ChallengeLink",
    "ChallengeStatus",
    "ImpactFigure",
    "Initiative",
    "InitiativeImage",
    "InitiativePartner",
    "InitiativeStage",
    "InitiativeUpdate",
    "PartnerRole",
    "PublicationStatus",
    "ResourceKind",
    "SearchTerm",
    "Story",
    "ThemedChallenge",
    "ThemedInitiative",
]
