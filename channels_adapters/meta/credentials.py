"""How an admin form shows a Meta account's credentials, alike for WhatsApp and Messenger."""

from django import forms

# Who the account is and how we reach the Graph API, after the channel's own fields.
FIELDS = ["active", "app_secret", "verify_token", "access_token", "api_base_url", "api_version"]


def secret_widgets() -> dict[str, forms.Widget]:
    # render_value: saving the form again keeps the secret, never shown in plain text.
    return {
        "app_secret": forms.PasswordInput(render_value=True),
        "access_token": forms.PasswordInput(render_value=True),
    }
