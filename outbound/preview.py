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
