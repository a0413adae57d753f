"""The screen pop: the business's own page for the customer (its CRM, order system), linked
from the console beside each conversation of a queue that has a URL template
(`Queue.screen_pop_url`). Pure: the console's state passes what it knows.

    https://crm.example.com/find?phone={phone}&order={order_number}

Placeholders are filled URL-encoded; one nothing knows is left empty, not sent as "{x}".
"""

import re
from collections.abc import Mapping
from urllib.parse import quote

PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")
IDENTIFIERS = ("customer_id", "interaction_id", "channel", "name", "phone", "email")


def fill_url(template: str, values: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: quote(str(values.get(m.group(1), "")), safe=""), template)


def values_for(
    *,
    interaction_id: str,
    channel: str,
    customer: Mapping,
    attributes: Mapping[str, str],
    flow_attributes: Mapping[str, str],
) -> dict[str, str]:
    """Attributes (the customer's, the conversation's, then what the flow collected or looked
    up), with the identifiers over them: `{phone}` is the customer's number, whatever an
    attribute of that name says."""
    identities = {i["kind"]: i["address"] for i in customer.get("identities", ())}
    return {
        **{str(k): str(v) for k, v in customer.get("attributes", {}).items()},
        **{str(k): str(v) for k, v in attributes.items()},
        **{str(k): str(v) for k, v in flow_attributes.items()},
        "customer_id": str(customer.get("id", "")),
        "interaction_id": interaction_id,
        "channel": channel,
        "name": customer.get("name", ""),
        "phone": customer.get("phone") or identities.get("phone", ""),
        "email": customer.get("email") or identities.get("email", ""),
    }
