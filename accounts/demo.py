"""Demo users, one or more per role (documented passwords; demo only)."""

from .models import Role, User

# The territory tree's model, through the assignment field (accounts sits below markets).
Territory = User._meta.get_field("territories").related_model

USERS = [
    # username, display name, role, territory codes, superuser
    ("admin", "王总监", Role.HQ_ADMIN, [], True),
    ("manager", "李经理", Role.MANAGER, ["440000"], False),
    ("manager2", "赵经理", Role.MANAGER, ["430000"], False),
    ("rep", "张伟", Role.REP, ["440300", "441900"], False),
    ("rep2", "刘洋", Role.REP, ["430100"], False),
    ("rep3", "陈静", Role.REP, ["440600", "440100"], False),
]


def seed(*, password: str) -> str:
    territories = {
        t.code: t
        for t in Territory.objects.filter(
            code__in={code for *_, codes, _ in USERS for code in codes}
        )
    }
    for username, name, role, codes, superuser in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": name,
                "role": role,
                "is_superuser": superuser,
                "is_staff": superuser,
                "email": f"{username}@dealerhub.example",
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        user.territories.set([territories[code] for code in codes])
    return f"{len(USERS)} users"
