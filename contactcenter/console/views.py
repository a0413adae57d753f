from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from contactcenter.console import state
from contactcenter.roles import is_agent

# E-mails are shown in sandboxed frames, which inherit this page's policy: it lets images come
# from anywhere so an agent can load a message's remote images; each frame's own policy blocks
# them until then (console.js, emailBody).
CONSOLE_CSP = {**settings.SECURE_CSP, "img-src": [CSP.SELF, "data:", "https:", "http:"]}


@login_required
@csp_override(CONSOLE_CSP)
def console(request):
    if not is_agent(request.user):
        raise PermissionDenied("This account is not an agent.")
    return render(request, "console/index.html", {"me": state.me(request.user)})
