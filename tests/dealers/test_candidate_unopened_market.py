"""A candidate pushed for a territory that has no market yet is told to open it first."""

import pytest

from dealers.models import Candidate

from ..factories import CountyFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
OPEN_FIRST = "No market is open in 440304 yet: a manager must open it first."


@pytest.fixture
def futian(world):
    """A county under 深圳 in the manager's scope, with no market."""
    return CountyFactory(code="440304", name="福田区", parent=world.shenzhen)


def test_put_candidate_for_a_territory_without_a_market_says_open_it_first(
    token_client, manager, futian, default_template
):
    response = token_client(manager).put(
        "/api/v1/dealer-candidates/FT-1",
        {"name": "福田商贸", "market": "440304"},
        format="json",
        **EN,
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"market": [OPEN_FIRST]}
    assert not Candidate.objects.filter(external_code="FT-1").exists()


def test_bulk_candidate_for_a_territory_without_a_market_says_open_it_first(
    token_client, manager, futian, default_template
):
    response = token_client(manager).post(
        "/api/v1/dealer-candidates/bulk",
        {
            "records": [
                {"external_code": "FT-1", "name": "福田商贸", "market": "440304"},
                {"external_code": "SZ-9", "name": "深圳商贸", "market": "440300"},
            ]
        },
        format="json",
        **EN,
    )

    results = response.json()["results"]
    assert [r["status"] for r in results] == ["error", "created"]
    assert results[0]["errors"] == {"market": [OPEN_FIRST]}
    assert list(Candidate.objects.values_list("external_code", flat=True)) == ["SZ-9"]


def test_a_territory_outside_scope_without_a_market_stays_unknown(
    token_client, manager, world, default_template
):
    CountyFactory(code="430102", parent=world.changsha)

    response = token_client(manager).put(
        "/api/v1/dealer-candidates/X-1", {"name": "越界", "market": "430102"}, format="json", **EN
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"market": ["No market has the code 430102."]}
