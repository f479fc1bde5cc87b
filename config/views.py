from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render

from .navigation import nav_items


@login_not_required
def accessibility(request):
    """The accessibility statement every footer links to (DOS-lagen; W3)."""
    return render(request, "accessibility.html", {"contact": settings.ACCESSIBILITY_CONTACT})


def home(request):
    """Send each user to the first page of their role's menu."""
    if not request.user.is_authenticated:
        return redirect("login")
    items = nav_items(request)["nav_items"]
    if items:
        return redirect(items[0]["url"])
    return render(request, "no_role.html")
