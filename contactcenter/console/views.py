from django.conf import settings
from django.shortcuts import render
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from contactcenter.console import state
from contactcenter.roles import agent_required

# E-mails are shown in sandboxed frames, which inherit this page's policy: it lets images come
# from anywhere so an agent can load a message's remote images; each frame's own policy blocks
# them until then (console.js, emailBody).
CONSOLE_CSP = {**settings.SECURE_CSP, "img-src": [CSP.SELF, "data:", "https:", "http:"]}


@agent_required
@csp_override(CONSOLE_CSP)
def console(request):
    return render(request, "console/index.html", {"me": state.me(request.user)})
