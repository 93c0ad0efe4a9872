"""Shared fixtures: a small territory tree and the four personas of the scoping tests.

Tree: 广东 (44) > 深圳 (4403) > 南山 (440305); 广东 > 广州 (4401); 湖南 (43) > 长沙 (4301).
"""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role
from markets.models import Market, Territory

from .factories import (
    CityFactory,
    CountyFactory,
    MarketFactory,
    ProvinceFactory,
    UserFactory,
)


@dataclass
class World:
    guangdong: Territory
    shenzhen: Territory
    nanshan: Territory
    guangzhou: Territory
    hunan: Territory
    changsha: Territory
    shenzhen_market: Market
    nanshan_market: Market
    guangzhou_market: Market
    changsha_market: Market


@pytest.fixture
def world(db) -> World:
    guangdong = ProvinceFactory(code="440000", name="广东省")
    shenzhen = CityFactory(code="440300", name="深圳市", parent=guangdong, tier="key")
    nanshan = CountyFactory(code="440305", name="南山区", parent=shenzhen)
    guangzhou = CityFactory(code="440100", name="广州市", parent=guangdong, tier="key")
    hunan = ProvinceFactory(code="430000", name="湖南省")
    changsha = CityFactory(code="430100", name="长沙市", parent=hunan, tier="key")
    return World(
        guangdong=guangdong,
        shenzhen=shenzhen,
        nanshan=nanshan,
        guangzhou=guangzhou,
        hunan=hunan,
        changsha=changsha,
        shenzhen_market=MarketFactory(territory=shenzhen, status="developed"),
        nanshan_market=MarketFactory(territory=nanshan, status="researching"),
        guangzhou_market=MarketFactory(territory=guangzhou, status="developing"),
        changsha_market=MarketFactory(territory=changsha, status="trial"),
    )


@pytest.fixture
def hq_admin(db):
    return UserFactory(username="hq", role=Role.HQ_ADMIN)


@pytest.fixture
def manager(world):
    """Regional manager of 广东省."""
    return UserFactory(username="mgr", role=Role.MANAGER, territories=[world.guangdong])


@pytest.fixture
def rep(world):
    """Rep assigned to the 深圳 market (and so 南山 below it)."""
    return UserFactory(username="rep_sz", role=Role.REP, territories=[world.shenzhen])


@pytest.fixture
def rep_outside(world):
    """Rep assigned to 长沙 in another province."""
    return UserFactory(username="rep_cs", role=Role.REP, territories=[world.changsha])


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def token_client(db):
    """An API client authenticated by a real token of the given user."""

    def make(user) -> APIClient:
        _, raw = ApiToken.issue(user=user, name="test")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make


@pytest.fixture
def celery_worker_thread(transactional_db):
    """A real Celery worker (solo pool, in a thread) consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from dealerhub.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
