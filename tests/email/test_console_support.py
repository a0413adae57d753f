"""What the agent console gets from the e-mail channel: messages split into what to show and
what to fold, the composer's defaults, and permission-checked attachment downloads."""

import nh3
import pytest
from django.contrib.auth.models import User

from channels_adapters.email import intake
from channels_adapters.email.inboxes import Inbox
from channels_adapters.email.quoting import split_message
from channels_adapters.email.replies import reply_defaults, reply_subject
from tests.email.conftest import INBOX, mail
from tests.routing.builders import a_queue, an_agent

GMAIL_HTML = (
    '<div dir="ltr">Thanks, that worked!<br></div><br><div class="gmail_quote">'
    '<div dir="ltr" class="gmail_attr">On Tue, Mar 4, 2025 at 10:15\u202fAM Example Support '
    '&lt;<a href="mailto:support@example.com">support@example.com</a>&gt; wrote:<br></div>'
    '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
    'rgb(204,204,204);padding-left:1ex">Hello Carla,<br>try restarting it.</blockquote></div>'
)
OUTLOOK_HTML = (
    '<div class="WordSection1"><p class="MsoNormal">Yes, please ship it.<o:p></o:p></p>'
    '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
    '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
    '<p class="MsoNormal"><b>From:</b> Example Support &lt;support@example.com&gt;<br>'
    "<b>Sent:</b> Tuesday, March 4, 2025 10:15 AM<br><b>To:</b> Carla Diaz "
    "&lt;carla@example.org&gt;<br><b>Subject:</b> Re: Kettle leaks<o:p></o:p></p></div>"
    '<p class="MsoNormal">Shall we ship a new one?<o:p></o:p></p></div>'
)
OUTLOOK_WEB_HTML = (
    '<div dir="ltr">Got it, thanks.</div><hr style="display:inline-block;width:98%" '
    'tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" '
    'color="#000000"><b>From:</b> Example Support &lt;support@example.com&gt;<br><b>Sent:'
    "</b> Tuesday, March 4, 2025 10:15<br><b>To:</b> Carla<br><b>Subject:</b> Re: Kettle"
    "</font><div>&nbsp;</div></div><div>Shall we ship?</div>"
)
APPLE_HTML = (
    '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
    '<body dir="auto">Sounds good.<br><div>-- <br>Carla Díaz<br>ACME GmbH</div><div><br>'
    '<blockquote type="cite"><div>On 4 Mar 2025, at 10:15, Example Support '
    "&lt;support@example.com&gt; wrote:</div><br><div><div>Hello Carla</div></div>"
    "</blockquote></div></body></html>"
)


def stored(html: str) -> str:
    """What ingest keeps of a mail client's HTML."""
    return nh3.clean(html)


@pytest.mark.parametrize(
    ("client_html", "shown", "folded"),
    [
        (GMAIL_HTML, "Thanks, that worked!", "try restarting it."),
        (OUTLOOK_HTML, "Yes, please ship it.", "Shall we ship a new one?"),
        (OUTLOOK_WEB_HTML, "Got it, thanks.", "Shall we ship?"),
        (APPLE_HTML, "Sounds good.", "Hello Carla"),
    ],
    ids=["gmail", "outlook", "outlook-web", "apple-mail"],
)
def test_quoted_history_in_html_is_folded_away_but_kept(client_html, shown, folded):
    parts = split_message(html=stored(client_html))

    assert shown in parts.html and folded not in parts.html
    assert folded in parts.html_quoted
    assert "wrote" not in parts.html and "Subject:" not in parts.html


def test_an_html_signature_is_folded_apart_from_the_quote():
    parts = split_message(html=stored(APPLE_HTML))

    assert "ACME GmbH" in parts.html_signature and "ACME GmbH" not in parts.html


@pytest.mark.parametrize(
    ("text", "shown", "signature", "quoted"),
    [
        (
            "Thanks!\n\nOn Tue, Mar 4, 2025 at 10:15 AM Example Support <support@example.com>\n"
            "wrote:\n\n> Hello Carla,\n> try restarting it.\n",
            "Thanks!",
            "",
            "> try restarting it.",
        ),
        (
            "Yes, please ship it.\n\nFrom: Example Support <support@example.com>\n"
            "Sent: Tuesday, March 4, 2025 10:15 AM\nTo: Carla Diaz <carla@example.org>\n"
            "Subject: Re: Kettle leaks\n\nShall we ship a new one?\n",
            "Yes, please ship it.",
            "",
            "Shall we ship a new one?",
        ),
        (
            "Danke!\n-- \nCarla Díaz\nACME GmbH\n\nAm 04.03.2025 um 10:15 schrieb Example "
            "Support <support@example.com>:\n> Hallo Carla\n",
            "Danke!",
            "ACME GmbH",
            "> Hallo Carla",
        ),
        ("Fine by me.\n\nSent from my iPhone\n", "Fine by me.", "Sent from my iPhone", ""),
        ("Works now.\n\n> Did a restart help?\n> \n", "Works now.", "", "> Did a restart help?"),
        (
            "Ok.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\n\nold text\n",
            "Ok.",
            "",
            "old text",
        ),
    ],
    ids=["gmail", "outlook", "german-with-signature", "iphone", "bottom-quote", "original"],
)
def test_quoted_history_and_signature_in_text_are_folded(text, shown, signature, quoted):
    parts = split_message(text=text)

    assert parts.text == shown
    assert signature in parts.text_signature
    assert quoted in parts.text_quoted
    assert parts.text + parts.text_signature + parts.text_quoted  # nothing is lost
    for line in text.split("\n"):
        assert line.strip() in "\n".join([parts.text, parts.text_signature, parts.text_quoted])


def test_a_sentence_that_only_looks_like_an_attribution_is_shown():
    text = "On Monday I wrote: my address changed.\nPlease update it."

    assert split_message(text=text).text == text


def test_a_message_that_is_all_quote_is_shown_whole():
    text = "> forwarded line one\n> forwarded line two"

    parts = split_message(text=text)

    assert parts.text == text and not parts.has_folded


def test_reply_subjects_keep_the_customers_current_subject():
    assert reply_subject("Kettle leaks") == "Re: Kettle leaks"
    assert reply_subject("RE: Kettle leaks (new address)") == "RE: Kettle leaks (new address)"
    assert reply_subject("AW: Rechnung") == "AW: Rechnung"
    assert reply_subject("") == "Re: your message"


def test_a_reply_to_a_subject_too_long_for_a_message_is_cut_to_fit():
    """Found by tests/email/test_malformed_mime.py (Hypothesis): an e-mail whose subject was
    2,000 characters long was taken, and its auto-acknowledgement, "Re: " and that subject,
    was refused by the interaction (a subject of at most SUBJECT_MAX_CHARS) inside the
    intake: the message was neither stored nor refused with a reason."""
    from contactcenter.interactions.domain import SUBJECT_MAX_CHARS

    reply = reply_subject("a" * 2000)

    assert len(reply) <= SUBJECT_MAX_CHARS
    assert reply.startswith("Re: aaa")


@pytest.fixture
def inbox(db, settings, tmp_path):
    from channels_adapters.email.models import EmailChannel

    settings.MEDIA_ROOT = tmp_path / "media"
    queue = a_queue("Mail", entry=None)
    channel = EmailChannel.objects.create(name="Support", addresses=INBOX, queue=queue)
    return Inbox(channel, INBOX)


def test_reply_defaults_answer_the_latest_message_with_its_subject_cc_and_quote(inbox):
    first = mail(subject="Kettle leaks", message_id="<k1@mail.example.org>")
    outcome = intake.receive(inbox, first.as_bytes())
    later = mail(
        subject="Re: Kettle leaks - new address",
        text="Please ship to Main St 5.",
        In_Reply_To="<k1@mail.example.org>",
        Cc=f"Bob <bob@example.org>, {INBOX}",
    )
    intake.receive(inbox, later.as_bytes())

    defaults = reply_defaults(outcome.interaction_id)

    assert defaults.to == ["Carla Díaz <carla@example.org>"]
    assert defaults.cc == ["bob@example.org"]
    assert defaults.subject == "Re: Kettle leaks - new address"
    assert defaults.quoted_text.endswith("wrote:\n> Please ship to Main St 5.\n> ")
    assert "<blockquote>" in defaults.quoted_html and "Main St 5" in defaults.quoted_html


def test_reply_defaults_use_the_reply_to_address_when_the_customer_gave_one(inbox):
    message = mail(Reply_To="Carla at work <carla@work.example>")
    outcome = intake.receive(inbox, message.as_bytes())

    assert reply_defaults(outcome.interaction_id).to == ["carla@work.example"]


@pytest.fixture
def with_attachments(inbox):
    message = mail()
    message.add_attachment(b"%PDF-1.4 a", maintype="application", subtype="pdf", filename="a.pdf")
    message.add_attachment(
        b"<script>alert(1)</script>", maintype="text", subtype="html", filename="page.html"
    )
    message.add_attachment(b"\x89PNG img", maintype="image", subtype="png", filename="photo.png")
    outcome = intake.receive(inbox, message.as_bytes())
    from contactcenter.interactions.models import TranscriptEntry

    entry = TranscriptEntry.objects.get(pk=outcome.message_id)
    return inbox.channel.queue, {a["name"]: a["url"] for a in entry.attachments}


def test_an_agent_of_the_queue_downloads_an_attachment(client, with_attachments):
    queue, urls = with_attachments
    client.force_login(an_agent(queue, available=False))

    response = client.get(urls["a.pdf"])

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 a"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_html_attachments_download_and_images_show_inline(client, with_attachments):
    queue, urls = with_attachments
    client.force_login(an_agent(queue, available=False))

    page = client.get(urls["page.html"])
    image = client.get(urls["photo.png"])

    assert page["Content-Type"] == "application/octet-stream"
    assert page["Content-Disposition"].startswith("attachment")
    assert "sandbox" in page["Content-Security-Policy"]
    assert image["Content-Type"] == "image/png" and image["Content-Disposition"].startswith(
        "inline"
    )


def test_an_agent_of_another_queue_may_not_download(client, with_attachments):
    _, urls = with_attachments
    client.force_login(an_agent(a_queue("Elsewhere", entry=None), available=False))

    assert client.get(urls["a.pdf"]).status_code == 403


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(client, with_attachments):
    _, urls = with_attachments

    response = client.get(urls["a.pdf"])

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_supervisor_downloads_anything_and_unknown_files_are_404(client, with_attachments):
    _, urls = with_attachments
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "pw-for-tests"))

    assert client.get(urls["a.pdf"]).status_code == 200
    assert client.get("/attachments/email/00/nothing/x.pdf").status_code == 404
