from django.shortcuts import render

from contactcenter.console import state
from contactcenter.roles import agent_required


@agent_required
def console(request):
    return render(request, "console/index.html", {"me": state.me(request.user)})
