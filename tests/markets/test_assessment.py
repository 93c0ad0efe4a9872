import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dealerhub.core import uploads
from markets import selectors, services
from markets.models import AssessmentRating, Competitor, CompetitorPromotion, StoreAssessment

from .factories import OutletFactory


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def _ratings(values, photo=None):
    return [
        services.RatingInput(action=i + 1, rating=v, photo=photo if i == 0 else None)
        for i, v in enumerate(values)
    ]


def _assess(outlet, user, values, volume="10000"):
    return services.assessment_create(
        outlet_id=outlet.pk,
        by=user,
        assessed_on=datetime.date(2026, 11, 3),
        estimated_monthly_volume=Decimal(volume),
        ratings=_ratings(values),
    )


def test_assessment_scores_0_to_100(world, rep):
    outlet = OutletFactory(territory=world.shenzhen)

    assessment = _assess(outlet, rep, [4] * 10)

    assert assessment.score == 75
    assert list(assessment.ratings.values_list("action", flat=True)) == list(range(1, 11))


def test_missing_action_is_refused(world, rep):
    outlet = OutletFactory(territory=world.shenzhen)

    with pytest.raises(ValidationError):
        services.assessment_create(
            outlet_id=outlet.pk,
            by=rep,
            assessed_on=datetime.date(2026, 11, 3),
            estimated_monthly_volume=Decimal("1"),
            ratings=_ratings([3] * 9),
        )
    assert not StoreAssessment.objects.exists()


def test_only_ka_stores_are_assessed(world, rep):
    outlet = OutletFactory(territory=world.shenzhen, kind="catering")

    with pytest.raises(ValidationError):
        _assess(outlet, rep, [3] * 10)
    assert not StoreAssessment.objects.exists()


def test_shortlist_ranks_latest_assessment_per_store(world, rep):
    a = OutletFactory(territory=world.shenzhen, name="A")
    b = OutletFactory(territory=world.nanshan, name="B")
    OutletFactory(territory=world.changsha, name="C")
    _assess(a, rep, [5] * 10)
    services.assessment_create(
        outlet_id=a.pk,
        by=rep,
        assessed_on=datetime.date(2026, 11, 20),
        estimated_monthly_volume=Decimal("1"),
        ratings=_ratings([2] * 10),
    )
    _assess(b, rep, [4] * 10)

    shortlist = selectors.ka_shortlist(market=world.shenzhen_market)

    assert [(s.outlet.name, s.score) for s in shortlist] == [("B", 75), ("A", 25)]


def test_photo_is_checked_by_content_and_renamed(world, rep, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    outlet = OutletFactory(territory=world.shenzhen)
    photo = SimpleUploadedFile("../../evil.php", _png(), content_type="image/png")

    services.assessment_create(
        outlet_id=outlet.pk,
        by=rep,
        assessed_on=datetime.date(2026, 11, 3),
        estimated_monthly_volume=Decimal("1"),
        ratings=_ratings([3] * 10, photo=photo),
    )

    name = AssessmentRating.objects.get(action=1).photo.name
    assert name.startswith("markets/assessments/") and name.endswith(".png")
    assert "evil" not in name


def test_non_image_photo_is_refused_and_nothing_saved(world, rep, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    outlet = OutletFactory(territory=world.shenzhen)
    fake = SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")

    with pytest.raises(ValidationError):
        services.assessment_create(
            outlet_id=outlet.pk,
            by=rep,
            assessed_on=datetime.date(2026, 11, 3),
            estimated_monthly_volume=Decimal("1"),
            ratings=_ratings([3] * 10, photo=fake),
        )
    assert not StoreAssessment.objects.exists()


def test_promotion_photo_served_only_in_scope(client, world, rep, rep_outside, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    competitor = Competitor.objects.create(market=world.shenzhen_market, brand="康师傅")
    services.competitor_add_promotion(
        competitor_id=competitor.pk,
        seen_on=datetime.date(2026, 11, 1),
        description="买二送一",
        by=rep,
        photo=SimpleUploadedFile("p.png", _png()),
    )
    promotion = CompetitorPromotion.objects.get()
    url = reverse("markets:photo", args=["promotion", promotion.pk])

    client.force_login(rep_outside)
    assert client.get(url).status_code == 404
    client.force_login(rep)
    response = client.get(url)
    assert (response.status_code, b"".join(response.streaming_content)) == (200, _png())


def test_assessment_form_on_phone(client, world, rep):
    outlet = OutletFactory(territory=world.shenzhen)
    client.force_login(rep)
    data = {"assessed_on": "2026-11-03", "estimated_monthly_volume": "25000"}
    data.update({f"rating_{n}": "5" for n in range(1, 11)})

    response = client.post(reverse("markets:assessment_create", args=[outlet.pk]), data)

    assert response.status_code == 302
    assert StoreAssessment.objects.get().score == 100


def test_trial_shipment_needs_a_wholesaler_of_the_market(world, rep):
    foreign = OutletFactory(territory=world.changsha, kind="wholesale")

    with pytest.raises(ValidationError):
        services.trial_shipment_create(
            market_id=world.shenzhen_market.pk,
            sub_wholesaler_id=foreign.pk,
            shipped_on=datetime.date(2026, 11, 1),
            product="酱油500ml",
            quantity=10,
            amount=Decimal("800"),
            by=rep,
        )


def test_trial_shipment_recorded_against_market(client, world, rep):
    trader = OutletFactory(territory=world.nanshan, kind="wholesale", name="二批老李")
    client.force_login(rep)

    response = client.post(
        reverse("markets:trial_create", args=[world.shenzhen_market.pk]),
        {
            "sub_wholesaler": trader.pk,
            "shipped_on": "2026-11-05",
            "product": "酱油500ml",
            "quantity": "20",
            "amount": "1600",
        },
    )

    assert response.status_code == 302
    assert [(s.market, s.quantity) for s in world.shenzhen_market.trial_shipments.all()] == [
        (world.shenzhen_market, 20)
    ]


def test_photo_is_reencoded_without_location_metadata(world, rep, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif.get_ifd(0x8825)[2] = (22.0, 32.0, 0.0)  # GPSInfo: latitude
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (8, 8), "blue").save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("gps.jpg", buffer.getvalue(), content_type="image/jpeg")

    cleaned = uploads.clean_photo(upload)

    with Image.open(io.BytesIO(cleaned.read())) as image:
        assert (image.format, dict(image.getexif())) == ("JPEG", {})


def test_assessment_detail_is_scoped(client, world, rep, rep_outside):
    assessment = _assess(OutletFactory(territory=world.shenzhen), rep, [3] * 10)
    url = reverse("markets:assessment_detail", args=[assessment.pk])

    client.force_login(rep_outside)
    assert client.get(url).status_code == 404
    client.force_login(rep)
    response = client.get(url)
    assert [row["rating"].rating for row in response.context["ratings"]] == [3] * 10


def test_manager_starting_a_survey_files_it_for_the_markets_rep(client, world, rep, manager):
    from markets.models import MarketSurvey

    world.shenzhen_market.rep = rep
    world.shenzhen_market.save()
    client.force_login(manager)

    client.post(
        reverse("markets:survey_start", args=[world.shenzhen_market.pk]),
        {"surveyed_on": "2026-11-20"},
    )

    assert MarketSurvey.objects.get().rep == rep
