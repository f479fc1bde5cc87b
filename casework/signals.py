"""Signals that let the audit app observe casework without casework importing it."""

from django.dispatch import Signal

# Sent when a user asks for a case outside their scope (answered 404): user, case_id, route.
scope_refused = Signal()
