"""Scale-out: Celery workers over Redis, PostgreSQL as the shared store (docs/scaleout.md).

Nothing here is imported by the embedded engine; celery, redis and psycopg are loaded only when
a distributed command runs (`pip install 'govinspect[scale]'`).
"""
