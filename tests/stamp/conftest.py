from __future__ import annotations

import pytest

from stamp.models import Charter
from tests.stamp.factories import CharterFactory


@pytest.fixture
def charter(db: None) -> Charter:
    return CharterFactory(version=1)
