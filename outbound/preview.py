"""Preview dialling in the console: the agent sees the next record of a preview campaign
(with the script), then dials it. The call is placed like the dialler's, reserved to the
agent, and put through to them when answered (outbound/connect.py)."""

from contactcenter import clock
from outbound import commands, dialer
from outbound.models import Campaign, CampaignContact, ContactProgress
from outbound.pacing import Mode
from routing import config


def campaigns_for(user) -> list[Campaign]:
    agent = config.current().agents.get(user.pk)
    if agent is None:
        return []
    return list(Campaign.objects.filter(active=True, mode=Mode.PREVIEW, queue_id__in=agent.queues))


def next_record(user) -> dict | None:
    now = clock.now()
    for campaign in campaigns_for(user):
        chosen, _ = dialer.pick_contacts(campaign, now, 1)
        if chosen:
            return describe(chosen[0])
    return None


def describe(contact: CampaignContact) -> dict:
    progress = ContactProgress.objects.filter(contact_id=contact.pk).first()
    return {
        "campaign": contact.campaign.name,
        "script": contact.campaign.script,
        "contact_id": contact.pk,
        "customer_id": contact.customer_id,
        "name": contact.name,
        "phone": contact.phone,
        "time_zone": contact.time_zone,
        "attempts": progress.attempts if progress else 0,
        "data": contact.data,
    }


class NotYours(Exception):
    pass


def dial(user, contact_id: int) -> str:
    """Place the preview call for `user`; DialRefused (with its reason) if the rules say no."""
    contact = CampaignContact.objects.select_related("campaign").filter(pk=contact_id).first()
    if contact is None or contact.campaign not in campaigns_for(user):
        raise NotYours(f"no record {contact_id} in your preview campaigns")
    attempt_id = commands.place(contact, mode=str(Mode.PREVIEW), agent=str(user.pk))
    dialer.call(contact.campaign, contact, attempt_id)
    return attempt_id


def to_wrap_up(user) -> list[dict]:
    """Connected calls the agent had that await their disposition."""
    from outbound.models import DialAttempt

    held = DialAttempt.objects.filter(
        agent=str(user.pk), connected=True, status="ended", disposition=""
    ).order_by("placed_at")
    contacts = {
        c.pk: c
        for c in CampaignContact.objects.select_related("campaign__queue").filter(
            pk__in=[a.contact_id for a in held]
        )
    }
    found = []
    for attempt in held:
        contact = contacts.get(attempt.contact_id)
        if contact is None:
            continue
        codes = list(contact.campaign.queue.dispositions.values_list("code", "label"))
        found.append(
            {
                "attempt_id": attempt.id,
                "name": contact.name or contact.phone,
                "phone": contact.phone,
                "campaign": contact.campaign.name,
                "dispositions": [{"code": c, "label": label} for c, label in codes],
            }
        )
    return found


def wrap_up(user, attempt_id: str, disposition: str, right_party: bool, converted: bool) -> None:
    from outbound.models import DialAttempt

    attempt = DialAttempt.objects.filter(pk=attempt_id, agent=str(user.pk)).first()
    if attempt is None:
        raise NotYours(f"no call {attempt_id} of yours")
    contact = CampaignContact.objects.select_related("campaign__queue").get(pk=attempt.contact_id)
    codes = set(contact.campaign.queue.dispositions.values_list("code", flat=True))
    if disposition not in codes:
        raise commands.DialRefused(f"{disposition!r} is not a disposition of this campaign")
    commands.dispositioned(
        contact,
        attempt_id,
        disposition,
        right_party=right_party,
        converted=converted,
        agent=str(user.pk),
    )
