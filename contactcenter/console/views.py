from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from contactcenter.console import state
from contactcenter.roles import is_agent


@login_required
def console(request):
    if not is_agent(request.user):
        raise PermissionDenied("This account is not an agent.")
    return render(request, "console/index.html", {"me": state.me(request.user)})
