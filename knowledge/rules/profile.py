"""A case's facts: what one asker's situation is understood to be, built the same way for every channel.

The layers are applied in order (a later layer wins: e.g. a saved profile, then what the question
states), then the catalog row of a ``product_id`` among them. The catalog is the record for listing,
status and dates: a product it shows as active has no withdrawal, whatever was stated elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from knowledge.catalog.models import Product
from knowledge.rules.facts import parse_date, parse_facts

ProductLookup = Callable[[str], Product]


def catalog_facts(product: Product) -> dict[str, Any]:
    """The facts a catalog row settles: listing, status, dates, and what the assessment recorded."""
    facts: dict[str, Any] = {"product_id": product.product_id, "in_catalog": True,
                             "catalog_status": product.status}
    if product.certified_on:
        facts["certified_on"] = parse_date(product.certified_on)
    if product.withdrawn_on:
        facts["withdrawn_on"] = parse_date(product.withdrawn_on)
    if product.core_tech_level:
        facts["core_tech_level"] = product.core_tech_level
    if product.has_clear_ip is not None:
        facts["has_clear_ip"] = product.has_clear_ip
    if product.sector:
        facts["sector"] = product.sector
    return facts


def case_facts(*layers: Mapping[str, Any], lookup: ProductLookup | None = None) -> dict[str, Any]:
    """Validated facts of one case: each layer parsed (FactError names a bad fact), later layers
    winning, then the catalog row of ``product_id`` through ``lookup`` (UnknownProductError when the
    catalog has no such product). Without ``lookup`` the stated facts stand alone."""
    facts: dict[str, Any] = {}
    for layer in layers:
        facts.update(parse_facts(dict(layer)))
    if "product_id" in facts and lookup is not None:
        product = lookup(facts["product_id"])
        facts.update(catalog_facts(product))
        if product.status == "active":
            facts.pop("withdrawn_on", None)
    return facts
