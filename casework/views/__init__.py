"""The coach's workspace: caseload, participant page, actions and the inactivity watch."""

from .actions import case_action
from .assignment import move_caseload, unassigned
from .caseload import caseload, inactive
from .detail import case_detail
from .search import search

__all__ = [
    "case_action",
    "case_detail",
    "caseload",
    "inactive",
    "move_caseload",
    "search",
    "unassigned",
]
