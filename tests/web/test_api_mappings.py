"""POST /api/mappings checks the product as the planner will: active in each establishment it is for."""

from __future__ import annotations

import sqlalchemy as sa

from tests.fixtures.events import DINNER, EST, UNMAPPED
from tests.fixtures.harness import Connector
from tripleseat_revel.models import ProductMappingRow
from tripleseat_revel.sandbox import catalog

RETIRED = EST * 100 + 99  # the simulator's inactive product in establishment 8


def _saved(connector: Connector) -> int:
    with connector.rt.db.session() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(ProductMappingRow)) or 0)


def test_an_inactive_product_is_refused_and_nothing_is_saved(connector: Connector) -> None:
    body = {"menu_item_id": UNMAPPED.menu_item_id, "revel_product": RETIRED, "establishment": EST}

    response = connector.http.post("/api/mappings", json=body)

    assert response.status_code == 404
    assert f"no active product {RETIRED} in establishment {EST}" in response.json()["error"]
    assert _saved(connector) == 0


def test_a_mapping_for_every_establishment_needs_the_product_active_in_each(connector: Connector) -> None:
    product = catalog.product_id(EST, DINNER)  # exists in establishment 8 only (ids are per establishment)

    response = connector.http.post("/api/mappings", json={"menu_item_id": 777001, "revel_product": product})

    assert response.status_code == 404
    assert f"no active product {product} in establishment" in response.json()["error"]
    assert _saved(connector) == 0


def test_an_active_product_is_saved(connector: Connector) -> None:
    product = catalog.product_id(EST, DINNER)
    body = {"menu_item_id": UNMAPPED.menu_item_id, "revel_product": product, "establishment": EST}

    response = connector.http.post("/api/mappings", json=body)

    assert response.status_code == 200
    assert response.json()["saved"]["revel_product"] == product
    assert _saved(connector) == 1
