"""`field__icontains_escaped=pattern`: a LIKE whose pattern the caller built (see workspace.search).

Django's own `icontains` on PostgreSQL compares UPPER(column), which a trigram index on the column
cannot serve; ILIKE can. On SQLite, LIKE is already case-insensitive for Latin letters.
"""

from typing import Any

from django.db.models import CharField, Lookup, TextField


class ContainsEscaped(Lookup):
    lookup_name = "icontains_escaped"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs} ESCAPE '\\'", (*lhs_params, *rhs_params)

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


CharField.register_lookup(ContainsEscaped)
TextField.register_lookup(ContainsEscaped)
