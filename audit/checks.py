"""A deployment check (issue 17, Low): production serves hashed static names from the
manifest `collectstatic` writes. Without it every page that links a stylesheet is a 500,
so `manage.py check --deploy` fails first, with the fix in the hint."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import Error, Tags, register

HINT = (
    "Kör `python manage.py collectstatic --noinput` med produktionsinställningarna före "
    "start (Run collectstatic with the production settings before starting the server)."
)


def own_static_files() -> set[str]:
    """The project's and the apps' static files that the manifest must name."""
    found = set()
    for finder in get_finders():
        for path, _storage in finder.list(["CVS", ".*", "*~"]):
            found.add(Path(path).as_posix())
    return found


def _manifest_problem() -> str:
    root = settings.STATIC_ROOT
    if not root or not Path(root).is_dir():
        return f"STATIC_ROOT ({root}) finns inte (does not exist)."
    manifest = Path(root) / getattr(staticfiles_storage, "manifest_name", "staticfiles.json")
    try:
        paths = json.loads(manifest.read_text(encoding="utf-8"))["paths"]
    except (OSError, ValueError, KeyError, TypeError):
        return f"{manifest} saknas eller går inte att läsa (missing or unreadable)."
    missing = sorted(own_static_files() - set(paths))
    if missing:
        return (
            f"{len(missing)} statiska filer saknas i {manifest.name}, t.ex. {missing[0]} "
            "(collectstatic was not run after the last change)."
        )
    return ""


@register(Tags.staticfiles, deploy=True)
def static_files_collected(app_configs=None, **kwargs) -> list[Error]:
    if not isinstance(staticfiles_storage, ManifestFilesMixin):  # the lazy proxy's class
        return []
    problem = _manifest_problem()
    if not problem:
        return []
    return [
        Error(
            f"De statiska filerna är inte insamlade: {problem}",
            hint=HINT,
            id="audit.E001",
        )
    ]
