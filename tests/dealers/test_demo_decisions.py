"""The demo shows every kind of decision the scorecard's gates give, with its reasons."""

from django.core.management import call_command

from dealers.models import Candidate


def latest(code: str):
    return Candidate.objects.get(external_code=code).evaluations.get(submitted=True)


def test_demo_has_an_oversized_candidate_with_its_reason(db):
    call_command("seed_demo")
    evaluation = latest("FS-D003")
    assert (evaluation.decision, evaluation.template.version) == ("oversized", 2)
    assert [(r["gate"], r["code"]) for r in evaluation.reasons] == [("strength", "oversized")]


def test_demo_rating_red_flag_is_a_reason_of_the_rejection(db):
    call_command("seed_demo")
    assert {
        "gate": "reputation",
        "code": "rating_red_flag",
        "subitem": "previous_partner",
        "level": 1,
    } in (latest("GZ-D002").reasons)
