"""On PostgreSQL, the access log and the hash chain refuse raw UPDATE and DELETE (L2).

The application already refuses both through the ORM; this closes the SQL path for
the application's own database role. TRUNCATE (test flushes) is not a row operation.
"""

from django.db import migrations

TABLES = ["audit_accesslog", "audit_chainentry", "audit_securityevent"]

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_append_only();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_append_only();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_purgerecord_accesslog_operator_alter_accesslog_user_and_more")]
    operations = [migrations.RunPython(forwards, backwards)]
