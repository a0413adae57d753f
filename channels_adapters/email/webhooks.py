"""ESP inbound webhooks: `POST /hooks/email/<esp>/inbound/` for Mailgun, SendGrid, Postmark
and Amazon SES.

django-anymail's inbound views know each ESP's payload shape and signing scheme; we use them
to verify (`run_validators`) and to parse (`parse_events`) rather than through anymail's
`inbound` signal, because our credentials are per channel (admin), not settings, and the
response must say why a post was refused. Where anymail checks no signature we add one:
SendGrid's Inbound Parse security policy (ECDSA, anymail's own SendGrid verifier) and the
Amazon SNS message signature (sns.py).

A post that fails every active channel's check of that ESP gets 403 (401 with a challenge for
SNS, which only sends credentials when asked) and nothing is stored; a malformed payload 400;
a message we can never take 400 or 413, each with the reason; a database outage 503, so the
ESP retries. A redelivered post appends nothing: messages are keyed by their Message-ID.
"""

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from anymail.exceptions import AnymailError, AnymailWebhookValidationFailure
from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView
from anymail.webhooks.base import AnymailBasicAuthMixin, AnymailCoreWebhookView
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from anymail.webhooks.sendgrid import SendGridBaseWebhookView, SendGridInboundWebhookView
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from channels_adapters.email import intake, sns
from channels_adapters.email.addresses import all_addresses
from channels_adapters.email.inboxes import active_channels, first_of
from channels_adapters.email.models import SNS_CERTIFICATE_URL, EmailChannel

log = logging.getLogger(__name__)


class SendGridSignedInboundView(SendGridBaseWebhookView, SendGridInboundWebhookView):
    """Inbound Parse with its security policy's ECDSA signature checked, as anymail checks
    SendGrid's event webhook (same headers, same scheme)."""

    key_setting_name = "inbound_webhook_verification_key"


class AmazonSESVerifiedInboundView(AmazonSESInboundWebhookView):
    """Amazon SES inbound, with the SNS message signature and topic checked."""

    sns_certificate_url = SNS_CERTIFICATE_URL
    sns_topic_arn = ""

    def validate_request(self, request):
        AnymailBasicAuthMixin.validate_request(self, request)  # credentials before any fetch
        message = self._parse_sns_message(request)
        try:
            sns.verify(message, self.sns_certificate_url)
        except sns.SnsSignatureError as error:
            raise AnymailWebhookValidationFailure(str(error)) from None
        if self.sns_topic_arn and message.get("TopicArn") != self.sns_topic_arn:
            raise AnymailWebhookValidationFailure(
                f"SNS topic {message.get('TopicArn')!r} is not this channel's"
            )

    def parse_events(self, request):
        message = self._parse_sns_message(request)
        if message.get("Type") == "SubscriptionConfirmation":
            sns.confirm_subscription(message, self.sns_certificate_url)
            log.info("confirmed the SNS subscription to %s", message.get("TopicArn"))
            return []
        return super().parse_events(request)


def _secret(channel: EmailChannel) -> list[str]:
    return [channel.webhook_secret] if channel.webhook_secret else []


@dataclass(frozen=True)
class Esp:
    name: str
    view: type[AnymailCoreWebhookView]
    options: Callable[[EmailChannel], dict]
    stable_event_id: bool = False  # the ESP's event id names the message, across retries
    challenge: bool = False  # answer 401 to a post without credentials (SNS asks only then)

    def view_for(self, channel: EmailChannel) -> AnymailCoreWebhookView:
        with warnings.catch_warnings():  # anymail's notes on settings we pass per channel
            warnings.simplefilter("ignore")
            return self.view(**self.options(channel))


ESPS = {
    "mailgun": Esp(
        "Mailgun",
        MailgunInboundWebhookView,
        lambda c: {"webhook_signing_key": c.signing_key.strip(), "webhook_secret": _secret(c)},
    ),
    "sendgrid": Esp(
        "SendGrid",
        SendGridSignedInboundView,
        lambda c: {
            "inbound_webhook_verification_key": c.signing_key.strip() or None,
            "webhook_secret": _secret(c),
        },
    ),
    "postmark": Esp(
        "Postmark",
        PostmarkInboundWebhookView,
        lambda c: {"webhook_secret": _secret(c)},
        stable_event_id=True,
    ),
    "amazon_ses": Esp(
        "Amazon SES",
        AmazonSESVerifiedInboundView,
        lambda c: {
            "webhook_secret": _secret(c),
            "auto_confirm_sns_subscriptions": False,  # confirmed by us, after the signature
            "sns_certificate_url": c.sns_certificate_url,
            "sns_topic_arn": c.sns_topic_arn,
        },
        stable_event_id=True,
        challenge=True,
    ),
}
# What anymail's parsers raise on a payload of the wrong shape: `[]` where an object belongs
# (AttributeError), nesting deeper than the stack (RecursionError).
MALFORMED = (
    AnymailError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    RecursionError,
)


@csrf_exempt
@require_http_methods(["POST", "HEAD"])
def inbound(request: HttpRequest, esp: str) -> HttpResponse:
    spec = ESPS.get(esp)
    if spec is None:
        return _reply(404, f"no inbound webhook for {esp!r}; there are: {', '.join(ESPS)}")
    if request.method == "HEAD":
        return HttpResponse()  # some ESPs check the URL exists when it is configured
    channels = active_channels(intake=esp)
    if not channels:
        return _reply(404, f"no active email channel receives mail through {spec.name}")
    if spec.challenge and not request.META.get("HTTP_AUTHORIZATION"):
        response = _reply(401, f"{spec.name} webhook: credentials required")
        response["WWW-Authenticate"] = 'Basic realm="contact center"'
        return response
    refusals = []
    for channel in channels:
        view = spec.view_for(channel)
        try:
            view.run_validators(request)
        except AnymailWebhookValidationFailure as error:
            refusals.append(str(error))
            continue
        except MALFORMED as error:
            return _reply(400, f"malformed {spec.name} webhook: {error}")
        return _deliver(request, spec, esp, channel, view)
    log.warning("%s inbound webhook refused: %s", spec.name, "; ".join(refusals))
    return _reply(403, f"{spec.name} webhook not authentic: {refusals[0]}")


def _deliver(request, spec: Esp, esp: str, channel: EmailChannel, view) -> HttpResponse:
    try:
        events = view.parse_events(request)
    except MALFORMED as error:
        return _reply(400, f"malformed {spec.name} webhook: {error}")
    except OSError as error:  # confirming an SNS subscription
        return _reply(503, f"try again: {error}")
    accepted = []
    for event in events:
        message = event.message
        envelope = [message.envelope_recipient] if message.envelope_recipient else []
        headers = [_header(message, name) for name in ("To", "Cc", "Delivered-To")]
        recipients = tuple(all_addresses([*envelope, *headers]))
        try:
            outcome = intake.receive(
                first_of(channel, list(recipients)),
                message=message,
                envelope_from=message.envelope_sender,
                recipients=recipients,
                via=esp,
                fallback_id=f"{esp}:{event.event_id}"
                if spec.stable_event_id and event.event_id
                else "",
            )
        except intake.Refused as refusal:
            return _reply(413 if refusal.code == 552 else 400, refusal.reason)
        except DatabaseError as error:
            log.exception("storing a %s message failed", spec.name)
            response = _reply(503, f"try again later: {type(error).__name__}")
            response["Retry-After"] = "60"
            return response
        accepted.append(
            {
                "interaction_id": outcome.interaction_id,
                "message_id": outcome.message_id,
                "duplicate": outcome.duplicate,
                "automated": outcome.automated,
                "dropped": outcome.dropped,
            }
        )
    return JsonResponse({"accepted": accepted})


def _header(message, name: str) -> str:
    try:
        return str(message.get(name, ""))
    except Exception:  # a header the parser cannot read is no recipient of ours
        return ""


def _reply(status: int, reason: str) -> HttpResponse:
    return JsonResponse({"error": reason}, status=status)
