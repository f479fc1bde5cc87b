"""The rate-limit counter as an UNLOGGED table on PostgreSQL (ADR 0106, "Rate limit").

A window's count lives one minute. Its upsert on every API request wrote WAL and waited
for the commit's flush; unlogged, PostgreSQL writes neither, and a crash empties the
table (each client may then make its limit again within that minute). A replica has no
copy, and nothing reads the counter there. SQLite has no such tables: unchanged.
"""

from django.db import migrations


def _persistence(mode: str):
    def alter(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("api", "RateWindow")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} SET {mode}")

    return alter


class Migration(migrations.Migration):
    dependencies = [("api", "0002_rate_window")]

    operations = [migrations.RunPython(_persistence("UNLOGGED"), _persistence("LOGGED"))]
