"""The login form: an over-long username is refused like any wrong login (issue 17).

Django's AuthenticationForm sets the username's max_length after the field is built, so
no length validator runs, and axes then stores the value in a varchar(255): a 500 on
PostgreSQL. Refuse before authenticate(), with the same message as a wrong password.
"""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


class LoginForm(AuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        limit = self.fields["username"].max_length or 150
        if len(username) > limit:
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )
        return super().clean()
