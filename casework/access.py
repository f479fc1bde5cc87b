"""Role gates for views that show personal data: outside the role, 404 and a security event."""

from functools import wraps

from django.http import Http404

from .models import Case
from .selectors import roles_of
from .signals import scope_refused


def role_required(*roles: str):
    """Only users with one of `roles` reach the view; others get 404, as out of scope (S2, S3)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not roles_of(request.user) & set(roles):
                scope_refused.send(
                    sender=Case, user=request.user, route=request.path, object_ref="role"
                )
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
