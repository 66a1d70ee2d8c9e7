"""Challenges, initiatives and stories. A package: the models outgrew one module."""

from initiatives.models.base import (
    SEARCH_CONFIG,
    ChallengeStatus,
    InitiativeStage,
    PartnerRole,
    PublicationStatus,
    PublishableQuerySet,
    ResourceKind,
)
from initiatives.models.challenges import Challenge, ChallengeQuerySet, ThemedChallenge
from initiatives.models.initiatives import (
    ChallengeLink,
    ImpactFigure,
    Initiative,
    InitiativeImage,
    InitiativePartner,
    InitiativeQuerySet,
    InitiativeUpdate,
    ThemedInitiative,
)
from initiatives.models.search import SearchTerm
from initiatives.models.stories import Story, StoryQuerySet

__all__ = [
    "SEARCH_CONFIG",
    "Challenge",
    "ChallengeLink",
    "ChallengeQuerySet",
    "ChallengeStatus",
    "ImpactFigure",
    "Initiative",
    "InitiativeImage",
    "InitiativePartner",
    "InitiativeQuerySet",
    "InitiativeStage",
    "InitiativeUpdate",
    "PartnerRole",
    "PublicationStatus",
    "PublishableQuerySet",
    "ResourceKind",
    "SearchTerm",
    "Story",
    "StoryQuerySet",
    "ThemedChallenge",
    "ThemedInitiative",
]
