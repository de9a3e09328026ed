"""How the τ²-bench retail domain's WRITE tools map onto Parley's operations (a name map, no importer).

Source: ``/work/shared/data/tau2_retail/tools_openai_schema_tau1.json`` (sierra-research/tau-bench, MIT).
τ² identifies a product variant by ``item_id``; Parley by ``product_id`` (one product per variant, its SKU
being the τ² item id when imported). τ² payment methods (``credit_card_…``, ``paypal_…``, ``gift_card_…``)
are the free-text ``payment_method`` / ``refund_method`` strings of Parley.

| τ² write tool | Parley operation | REST | notes |
| --- | --- | --- | --- |
| ``cancel_pending_order(order_id, reason)`` | ``cancel_order`` | ``POST /api/v1/orders/{order_id}/cancel`` | ``reason`` is free text ("no longer needed", "ordered by mistake"); pending or confirmed only; reserved stock is released; scope ``orders:cancel``. τ² also refunds the payment; in Parley money arrives only against an invoice, which a pending order does not have yet, so there is nothing to refund. |
| ``modify_pending_order_items(order_id, item_ids, new_item_ids, payment_method_id)`` | ``modify_order_items`` (+ ``modify_order_payment`` when the difference goes to another method) | ``POST /api/v1/orders/{order_id}/items`` | Parley takes the complete new list of lines and re-prices them; build it from the order's lines with each ``item_id`` swapped for its ``new_item_id``. Pending only. |
| ``modify_pending_order_address(order_id, address1, address2, city, state, country, zip)`` | ``modify_order_address`` | ``POST /api/v1/orders/{order_id}/address`` | Same fields under ``shipping_address``. Pending only. |
| ``modify_pending_order_payment(order_id, payment_method_id)`` | ``modify_order_payment`` | ``POST /api/v1/orders/{order_id}/payment-method`` | Pending only. |
| ``modify_user_address(user_id, address1, …, zip)`` | ``update_customer`` | ``PATCH /api/v1/customers/{customer_id}`` | ``address`` with the same fields (``address1``, ``address2``, ``city``, ``state``, ``zip``, ``country``). |
| ``return_delivered_order_items(order_id, item_ids, payment_method_id)`` | ``return_order_items`` | ``POST /api/v1/orders/{order_id}/returns`` | ``items`` as ``[{product_id, quantity}]`` (τ² returns each listed item once: quantity 1 per id); ``refund_method`` = ``payment_method_id``. Delivered only; stock comes back, refund recorded as a negative payment; all units back → ``returned``. |
| ``exchange_delivered_order_items(order_id, item_ids, new_item_ids, payment_method_id)`` | ``exchange_order_items`` | ``POST /api/v1/orders/{order_id}/exchanges`` | ``items`` as ``[{product_id, quantity, new_product_id}]``; ``payment_method`` = ``payment_method_id``. The price difference is recorded (payment or refund), zero for a same-priced variant. |

τ² read tools map onto ``get_order``, ``search_orders``, ``get_customer``/``search_customers``, ``get_product``
and ``search_products``; ``transfer_to_human_agents`` is the HITL escalation, not an order operation.
"""

from __future__ import annotations

__all__ = ["WRITE_TOOLS"]

WRITE_TOOLS: dict[str, str] = {
    "cancel_pending_order": "cancel_order",
    "modify_pending_order_items": "modify_order_items",
    "modify_pending_order_address": "modify_order_address",
    "modify_pending_order_payment": "modify_order_payment",
    "modify_user_address": "update_customer",
    "return_delivered_order_items": "return_order_items",
    "exchange_delivered_order_items": "exchange_order_items",
}
"""τ² write tool name → the Parley operation that does the same, for the benchmark runner to come."""
