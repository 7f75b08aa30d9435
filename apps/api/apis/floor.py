"""The floor of `make bench-api`: what any authenticated API write costs before its own work.

POST /api/v1/_bench/floor goes through everything ticket creation goes through before its view
body (the middleware, key authentication, the `tickets:write` scope check, the per-key rate) and
then makes one INSERT in a transaction, so the bench can print each phase beside it as a ratio:
absolute figures move with the machine, the ratio to this floor much less. Routed only when
`settings.BENCH_FLOOR` is on (CHEHUI_BENCH_FLOOR=1, as bench/api.py starts the server); its
table, `bench_floor`, is created by the bench, not by a migration.
"""

from django.db import connection, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.base import ApiWriteView
from apps.integrations.permissions import api_key_of

# Created by bench/api.py before the server starts (bench_floor_table_create).
FLOOR_TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS bench_floor ("
    "id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), key_id bigint)"
)
FLOOR_INSERT_SQL = "INSERT INTO bench_floor (key_id) VALUES (%s) RETURNING id"


@extend_schema(exclude=True)
class BenchFloorApi(ApiWriteView):
    """Authenticate as ticket creation does, insert one row, answer its id."""

    required_scopes = {"POST": "tickets:write"}

    def post(self, request: Request) -> Response:
        key = api_key_of(request)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(FLOOR_INSERT_SQL, [key.pk if key else None])
            (row_id,) = cursor.fetchone()
        return Response({"id": row_id}, status=status.HTTP_201_CREATED)
