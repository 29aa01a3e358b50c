"""Every change to a pain log flags its workout for the red-flag job, in the database.

The log PUT is then a single statement, and no path that writes logs (the API, the admin,
a bulk load, a manual fix in SQL) can leave a workout unevaluated: the periodic sweep
finds every workout whose evaluation_due_at is set.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION tracker_painlog_mark_workout_due() RETURNS trigger AS $$
BEGIN
    UPDATE tracker_workout SET evaluation_due_at = clock_timestamp()
    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.workout_id ELSE NEW.workout_id END;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER painlog_mark_workout_due
    AFTER INSERT OR UPDATE OR DELETE ON tracker_painlog
    FOR EACH ROW EXECUTE FUNCTION tracker_painlog_mark_workout_due();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS painlog_mark_workout_due ON tracker_painlog;
DROP FUNCTION IF EXISTS tracker_painlog_mark_workout_due();
"""

SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
SQLITE_UP = [
    f"""CREATE TRIGGER painlog_mark_workout_due_{event.lower()} AFTER {event} ON tracker_painlog
    BEGIN UPDATE tracker_workout SET evaluation_due_at = {SQLITE_NOW} WHERE id = {row}.workout_id; END;"""
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS painlog_mark_workout_due_{event}" for event in ("insert", "update", "delete")]


def create(apps, schema_editor):
    statements = {"postgresql": [POSTGRES_UP], "sqlite": SQLITE_UP}[schema_editor.connection.vendor]
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    statements = {"postgresql": [POSTGRES_DOWN], "sqlite": SQLITE_DOWN}[schema_editor.connection.vendor]
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
