"""The coach's workspace: caseload, participant page, actions and the inactivity watch."""

from .actions import case_action
from .assignment import move_caseload, unassigned
from .bulk import bulk_exit
from .caseload import caseload, inactive
from .detail import case_detail
from .saved import delete_filter, save_filter
from .search import search

__all__ = [
    "bulk_exit",
    "case_action",
    "case_detail",
    "caseload",
    "delete_filter",
    "inactive",
    "move_caseload",
    "save_filter",
    "search",
    "unassigned",
]
