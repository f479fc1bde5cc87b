"""K1 has one decimal, rounded half up as Swedish statistics round (indicators.md)."""

import pytest

from casework.indicators.report import _share


@pytest.mark.parametrize(
    ("part", "whole", "share"),
    [(1, 16, 6.3), (1, 8, 12.5), (3, 16, 18.8), (1, 3, 33.3), (2, 3, 66.7), (0, 5, 0.0)],
)
def test_k1_share_rounds_half_up(part, whole, share):
    assert _share(part, whole) == share


def test_k1_is_null_without_exits():
    assert _share(0, 0) is None
