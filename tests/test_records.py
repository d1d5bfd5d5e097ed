"""The role labels answers use: one table, read by role or by its value."""

import pytest

from assistant.records import ROLE_LABEL, Role, role_label


@pytest.mark.parametrize(("role", "label"), [
    (Role.LEAD, "主办(牵头)"), ("lead", "主办(牵头)"), (Role.ASSIST, "协办"), ("assist", "协办"),
    (None, "负责"), ("all", "负责"),
])
def test_role_label(role: Role | str | None, label: str) -> None:
    assert role_label(role) == label


def test_either_role_label_is_the_callers() -> None:
    assert role_label(None, "承担") == "承担"
    assert set(ROLE_LABEL) == set(Role)
