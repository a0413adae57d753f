from django.shortcuts import render

from contactcenter.console.state import agent_directory
from contactcenter.roles import supervisor_required
from routing.models import AwayReason


@supervisor_required
def wallboard(request):
    return render(
        request,
        "supervisor/wallboard.html",
        {
            "section": "wallboard",
            "away_reasons": list(AwayReason.objects.values("code", "label")),
            "agents": agent_directory(),
        },
    )
