"""Django's PostgreSQL backend, its connection pool handing out the connection used last
(contactcenter/pooled_connections.py). Settings choose it (ENGINE `contactcenter.postgresql`)
where the pool is on; everything else is Django's own."""

from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool

from contactcenter.pooled_connections import RecentFirstPool


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self) -> ConnectionPool | None:
        pool = super().pool
        if type(pool) is ConnectionPool:
            # Made just now by Django, closed (it opens a pool at the first connection):
            # the subclass adds no state, only the order in which connections go out.
            pool.__class__ = RecentFirstPool
        return pool
