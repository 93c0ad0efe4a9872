from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Login with phone-friendly inputs (no autocapitalisation of user names)."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocomplete": "username", "autofocus": True}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
