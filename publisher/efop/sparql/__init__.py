"""The SPARQL endpoint's logic, independent of HTTP: query inspection (:mod:`.guard`), bounded
evaluation in killable worker processes (:mod:`.worker`), result formats (:mod:`.formats`) and
the service description (:mod:`.service_description`)."""

from efop.sparql.endpoint import Endpoint
from efop.sparql.guard import QueryRejected, QuerySyntaxError
from efop.sparql.limits import Limits

__all__ = ["Endpoint", "Limits", "QueryRejected", "QuerySyntaxError"]
