"""The service layer: the use cases, and the mapping of domain events to wire contracts.

`orders` (a caller's commands on service orders), `sellers` (sellers and their staff), `system`
(what other services trigger over the bus), `replay` (a keyed request's slot on the order),
`wire` (domain events to `aftersales_shared.contracts` messages and their envelopes).
"""

from order_svc.handlers.orders import OrderService
from order_svc.handlers.sellers import SellerService
from order_svc.handlers.system import SystemService

__all__ = ["OrderService", "SellerService", "SystemService"]
