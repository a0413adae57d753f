"""TOTP two-factor for administrators and supervisors (django-otp): with STAFF_TWO_FACTOR on,
such a person who signed in with a password reaches /admin/ and /supervisor/ only after a code
from their authenticator app. The first time, the page shows the secret to enrol (an otpauth://
URI and its base32 text) and the first code confirms the device."""

import base64
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from contactcenter.roles import is_supervisor

PROTECTED = ("/admin/", "/supervisor/")
PAGE = "/accounts/two-factor/"


def needs_second_factor(user) -> bool:
    return bool(
        user.is_authenticated and (user.is_staff or user.is_superuser or is_supervisor(user))
    )


class StaffTwoFactorMiddleware:
    """After django-otp's OTPMiddleware: staff not yet verified this session go to PAGE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.STAFF_TWO_FACTOR
            and request.path.startswith(PROTECTED)
            and needs_second_factor(request.user)
            and not request.user.is_verified()
        ):
            return HttpResponseRedirect(f"{PAGE}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/admin/"
    device = _device(request.user)
    error = ""
    if request.method == "POST":
        token = "".join(request.POST.get("token", "").split())
        if token.isdigit() and device.verify_token(token):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return HttpResponseRedirect(target)
        error = "That code is not right; try the one your app shows now."
    context = {"next": target, "error": error, "enrolling": not device.confirmed}
    if not device.confirmed:
        context["secret"] = base64.b32encode(device.bin_key).decode()
        context["config_url"] = device.config_url
    return render(request, "registration/two_factor.html", context, status=400 if error else 200)


def _device(user) -> TOTPDevice:
    """The person's confirmed device, or the one being enrolled (made on the first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device
