from pathlib import Path

import polib
from django.conf import settings
from django.urls import reverse

PO_FILE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_default_language_is_simplified_chinese(client, db):
    response = client.get(reverse("login"))

    assert response.headers["Content-Language"] == "zh-hans"
    assert "<title>登录 · DealerHub</title>" in response.content.decode()


def test_switching_to_english(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})

    response = client.get(reverse("login"))

    assert response.headers["Content-Language"] == "en"
    assert "<title>Log in · DealerHub</title>" in response.content.decode()


def test_every_string_has_a_chinese_translation():
    catalogue = polib.pofile(str(PO_FILE))

    missing = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]

    assert missing == []
