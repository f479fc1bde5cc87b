"""Migration audit.0008 (issue 15 item 4): an existing per-link chain (ADR 0101) is checked
link by link, then sealed into blocks that verify, keeping every seq (ADR 0109)."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit import blocks, chain
from audit.models import ChainEntry
from audit.services import log_read

migration = importlib.import_module("audit.migrations.0008_seal_existing_chain")


def old_chain(n: int) -> list[SimpleNamespace]:
    """Links as ADR 0101 wrote them: each HMAC'ed over the one before."""
    prev, links = blocks.GENESIS, []
    for seq in range(1, n + 1):
        link = SimpleNamespace(
            seq=seq, kind="audit.accesslog", object_id=seq, digest=f"{seq:064x}",
            content_digest="", prev_hash=prev,
        )  # fmt: skip
        link.hash = migration._old_link_hash(blocks.key(), prev, link)
        prev = link.hash
        links.append(link)
    return links


def test_an_intact_old_chain_passes_the_migrations_check():
    migration._check_old_chain(old_chain(4), blocks)


def test_the_migration_refuses_an_old_chain_with_a_changed_link():
    links = old_chain(4)
    links[1].digest = "0" * 64
    with pytest.raises(RuntimeError, match="Kedjepost 2 stämmer inte"):
        migration._check_old_chain(links, blocks)


def test_the_migration_refuses_an_old_chain_with_a_deleted_link():
    links = old_chain(4)
    del links[1]
    with pytest.raises(RuntimeError, match="Kedjan bryts före post 3"):
        migration._check_old_chain(links, blocks)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the trigger refuses the setup")
def test_links_sealed_by_the_migration_verify_and_keep_their_seqs(coordinator, monkeypatch):
    for n in range(5):
        log_read(user=coordinator, action="case.detail", participant_ids=[n])
    for seq, pk in enumerate(ChainEntry.objects.order_by("id").values_list("pk", flat=True), 1):
        models.QuerySet(model=ChainEntry).filter(pk=pk).update(
            seq=seq, hash=f"{seq:064x}"
        )  # an old link hash
    frozen = MigrationExecutor(connection).loader.project_state().apps
    entry_model, block_model = (
        frozen.get_model("audit", "ChainEntry"),
        frozen.get_model("audit", "ChainBlock"),
    )
    monkeypatch.setattr(migration, "BLOCK", 2)
    entries = list(entry_model.objects.order_by("seq"))
    migration._seal(entry_model, block_model, entries, blocks, timezone.now())
    assert list(block_model.objects.values_list("first_seq", "last_seq")) == [
        (1, 2),
        (3, 4),
        (5, 5),
    ]
    assert chain.verify() is None
