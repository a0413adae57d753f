"""Least privilege in PostgreSQL: the owner role migrates, the application's role may only
INSERT and SELECT on the event log. docs/deploy.md has the SQL; `check_database_roles` runs
`problems()`, and `grant_database_roles` runs `grant_statements()` as the owner.
"""

from collections.abc import Sequence
from typing import Any

EVENT_LOG = "event_log"
# Triggers that must stand on the event log (events/0002, privacy/0001).
TRIGGERS = {
    "event_log_append_only": "UPDATE and DELETE",
    "event_log_no_truncate": "TRUNCATE",
}
ALLOWED = ("INSERT", "SELECT")
REFUSED = ("UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def problems(cursor: Any) -> list[str]:
    """What lets the connected role do more than INSERT and SELECT on the event log (a
    DB-API cursor on PostgreSQL); empty when it can do only that."""
    found: list[str] = []
    cursor.execute(
        "SELECT current_user, r.rolsuper, t.tableowner, pg_has_role(current_user, t.tableowner, "
        "'MEMBER') FROM pg_roles r, pg_tables t WHERE r.rolname = current_user "
        "AND t.tablename = %s AND t.schemaname = current_schema()",
        [EVENT_LOG],
    )
    row = cursor.fetchone()
    if row is None:
        return [f"there is no {EVENT_LOG} table in this database's schema: migrate first"]
    user, superuser, owner, member_of_owner = row
    if superuser:
        found.append(f"role {user} is a superuser: it can do anything to {EVENT_LOG}")
    if user == owner:
        found.append(f"role {user} owns {EVENT_LOG}: it can ALTER it or disable its triggers")
    elif member_of_owner:
        found.append(f"role {user} is a member of {owner}, the owner of {EVENT_LOG}")
    for privilege in ALLOWED:
        if not _has(cursor, privilege):
            found.append(f"role {user} cannot {privilege} on {EVENT_LOG}")
    for privilege in REFUSED:
        if _has(cursor, privilege):
            found.append(f"role {user} may {privilege} on {EVENT_LOG}")
    cursor.execute("SELECT has_any_column_privilege(current_user, %s, 'UPDATE')", [EVENT_LOG])
    if cursor.fetchone()[0] and not any("may UPDATE" in p for p in found):
        found.append(f"role {user} may UPDATE columns of {EVENT_LOG}")
    cursor.execute(
        "SELECT n.nspname, pg_has_role(current_user, n.nspowner, 'MEMBER') FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = %s::regclass",
        [EVENT_LOG],
    )
    schema, schema_owner = cursor.fetchone()
    if schema_owner and not superuser:
        found.append(f"role {user} owns schema {schema} (or its database): it can DROP {EVENT_LOG}")
    found.extend(_trigger_problems(cursor))
    return found


def _has(cursor: Any, privilege: str) -> bool:
    cursor.execute("SELECT has_table_privilege(current_user, %s, %s)", [EVENT_LOG, privilege])
    return bool(cursor.fetchone()[0])


def _trigger_problems(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tgname, tgenabled FROM pg_trigger "
        "WHERE tgrelid = %s::regclass AND tgname = ANY(%s)",
        [EVENT_LOG, list(TRIGGERS)],
    )
    enabled = {name: state for name, state in cursor.fetchall()}
    found = []
    for name, refuses in TRIGGERS.items():
        if name not in enabled:
            found.append(f"trigger {name} (refuses {refuses}) is missing: migrate")
        elif enabled[name] == "D":
            found.append(f"trigger {name} (refuses {refuses}) is disabled")
    return found


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def grant_statements(app_role: str, owner_role: str) -> list[str]:
    """What the owner runs after migrating so `app_role` can work, and no more on the log."""
    app, owner = quote(app_role), quote(owner_role)
    return [
        f"GRANT USAGE ON SCHEMA public TO {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {app}",
        f"REVOKE ALL ON {EVENT_LOG} FROM {app}",
        f"GRANT SELECT, INSERT ON {EVENT_LOG} TO {app}",
        # Tables later migrations make: the same, without the log's exception (the log exists).
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {app}",
    ]


def owner_flush_statements(sql_list: Sequence[str]) -> list[str]:
    """A flush (Django's TRUNCATE of every table, for tests and benchmarks) that the owner
    can run: the log's TRUNCATE trigger off for this one transaction only."""
    if not any(EVENT_LOG in sql for sql in sql_list):
        return list(sql_list)
    return [
        f"ALTER TABLE {EVENT_LOG} DISABLE TRIGGER event_log_no_truncate",
        *sql_list,
        f"ALTER TABLE {EVENT_LOG} ENABLE TRIGGER event_log_no_truncate",
    ]
