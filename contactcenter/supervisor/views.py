from django.shortcuts import render

from contactcenter.access import supervised_agents, supervising_required
from contactcenter.console.state import agent_directory
from routing.models import AwayReason


@supervising_required
def wallboard(request):
    team = supervised_agents(request.user)
    return render(
        request,
        "supervisor/wallboard.html",
        {
            "section": "wallboard",
            "away_reasons": list(AwayReason.objects.values("code", "label")),
            "agents": [a for a in agent_directory() if team is None or a["id"] in team],
        },
    )
