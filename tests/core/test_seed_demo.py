from django.core.management import call_command

from accounts.models import User
from markets.models import Market, Territory


def snapshot():
    return (
        Territory.objects.count(),
        User.objects.count(),
        sorted(Market.objects.values_list("territory__code", "status", "rep__username")),
    )


def test_seed_demo_creates_a_user_per_role(db):
    call_command("seed_demo")

    assert set(User.objects.values_list("role", flat=True)) == {"hq_admin", "manager", "rep"}


def test_seed_demo_puts_markets_at_several_stages(db):
    call_command("seed_demo")

    assert Market.objects.values("status").distinct().count() >= 5


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo")
    first = snapshot()

    call_command("seed_demo")

    assert snapshot() == first


def test_demo_rep_sees_only_their_assigned_markets(db):
    call_command("seed_demo")
    rep = User.objects.get(username="rep")

    codes = set(Market.objects.for_user(rep).values_list("territory__code", flat=True))

    assert codes == {"440300", "440306", "440307", "441900"}
