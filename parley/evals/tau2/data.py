"""Reading the τ² retail files, and finding the slice of the shop one task touches.

Importing a task's users, their orders and the products in them (all variants, so exchanges find their
targets) takes a second; the whole shop would take minutes per task.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Footprint", "Tau2Data", "footprint"]


@dataclass(frozen=True)
class Tau2Data:
    """``db.json`` and ``tasks.json`` of the τ² retail domain."""

    db: dict[str, Any]
    tasks: list[dict[str, Any]]

    @classmethod
    def load(cls, folder: Path) -> Tau2Data:
        """Read the files from a folder holding them as published."""
        db = json.loads((folder / "db.json").read_text(encoding="utf-8"))
        tasks = json.loads((folder / "tasks.json").read_text(encoding="utf-8"))
        return cls(db=db, tasks=tasks)

    def task(self, task_id: str) -> dict[str, Any]:
        """One task by its id."""
        return next(task for task in self.tasks if str(task["id"]) == str(task_id))

    def fresh_db(self) -> dict[str, Any]:
        """A deep copy of the shop for one replay."""
        return copy.deepcopy(self.db)


@dataclass(frozen=True)
class Footprint:
    """The users, orders and products a task can touch."""

    users: frozenset[str]
    orders: frozenset[str]
    products: frozenset[str]


def _item_product(db: dict[str, Any], item_id: str) -> str | None:
    for product_id, product in db["products"].items():
        if item_id in product["variants"]:
            return str(product_id)
    return None


def footprint(db: dict[str, Any], task: dict[str, Any]) -> Footprint:
    """The users named by the task's actions (directly, by order or by look-up), their orders, their products."""
    users: set[str] = set()
    items: set[str] = set()
    products: set[str] = set()
    for action in task["evaluation_criteria"]["actions"]:
        args = action["arguments"]
        if "user_id" in args:
            users.add(args["user_id"])
        if "order_id" in args and args["order_id"] in db["orders"]:
            users.add(db["orders"][args["order_id"]]["user_id"])
        if "email" in args:
            users |= {uid for uid, user in db["users"].items() if user["email"] == args["email"]}
        if "zip" in args:
            users |= {
                uid
                for uid, user in db["users"].items()
                if user["address"]["zip"] == args["zip"]
                and user["name"]["first_name"] == args.get("first_name")
            }
        items |= set(args.get("item_ids", [])) | set(args.get("new_item_ids", []))
        if "product_id" in args:
            products.add(args["product_id"])
    orders = {
        order_id for uid in users for order_id in db["users"][uid]["orders"] if order_id in db["orders"]
    }
    for order_id in orders:
        products |= {item["product_id"] for item in db["orders"][order_id]["items"]}
    products |= {pid for pid in (_item_product(db, item) for item in items) if pid}
    return Footprint(frozenset(users), frozenset(orders), frozenset(products) & set(db["products"]))
