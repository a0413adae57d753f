"""Quality pages: supervisors and QA specialists score closed interactions beside their
transcript and read the reports, team leads those of their teams' agents
(access.scored_agents); agents read their own evaluations (/console/quality/)."""

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render

from contactcenter.access import scored_agents, scoring_required
from contactcenter.console.state import entry_view
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.knowledge.assist import sentiment_by_message
from contactcenter.kpis.reports import BadRequest, parse_range
from contactcenter.quality import commands, reports
from contactcenter.quality.models import Evaluation, Scorecard
from contactcenter.roles import agent_required

RECENT = 50


def _names(ids) -> dict[int, str]:
    return {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=set(ids))}


@scoring_required
def supervisor_home(request: HttpRequest) -> HttpResponse:
    scope = scored_agents(request.user)
    closed_ = Interaction.objects.filter(state="closed", last_agent_id__isnull=False)
    evaluations_ = Evaluation.objects.all()
    if scope is not None:
        closed_ = closed_.filter(last_agent_id__in=scope)
        evaluations_ = evaluations_.filter(agent_id__in=scope)
    closed = list(closed_.order_by("-ended_at")[:RECENT])
    evaluations = list(evaluations_[:RECENT])
    scored = set(
        Evaluation.objects.filter(interaction_id__in=[i.pk for i in closed]).values_list(
            "interaction_id", flat=True
        )
    )
    names = _names([i.last_agent_id for i in closed] + [e.agent_id for e in evaluations])
    return render(
        request,
        "supervisor/quality/home.html",
        {
            "section": "quality",
            "closed": [(i, names.get(i.last_agent_id, ""), i.pk in scored) for i in closed],
            "evaluations": [(e, names.get(e.agent_id, "")) for e in evaluations],
        },
    )


def _transcript(interaction_id: str) -> list[TranscriptEntry]:
    entries = list(
        TranscriptEntry.objects.filter(interaction_id=interaction_id).order_by(
            "occurred_at", "position"
        )
    )
    moods = sentiment_by_message(
        interaction_id
    )  # QA sees how the customer felt, message by message
    for entry in entries:
        if entry.kind == TranscriptEntry.Kind.ACTIVITY:  # its words, as the console says them
            entry.text = entry_view(entry)["text"]
        entry.sentiment = moods.get(entry.id)
    return entries


def _in_scope(request: HttpRequest, agent_id: int | None) -> bool:
    scope = scored_agents(request.user)
    return scope is None or agent_id in scope


@scoring_required
def score(request: HttpRequest, interaction_id: str) -> HttpResponse:
    interaction = Interaction.objects.filter(pk=interaction_id).first()
    if interaction is None or not _in_scope(request, interaction.last_agent_id):
        raise Http404("no such interaction")
    scorecards = [s for s in Scorecard.objects.filter(active=True) if not s.problems()]
    chosen = _chosen(request, scorecards)
    context = {
        "section": "quality",
        "interaction": interaction,
        "agent": _names([interaction.last_agent_id]).get(interaction.last_agent_id, ""),
        "transcript": _transcript(interaction_id),
        "scorecards": scorecards,
        "scorecard": chosen,
        "not_scoreable": commands.scoreable(interaction),
        "previous": Evaluation.objects.filter(interaction_id=interaction_id),
    }
    if request.method == "POST" and chosen is not None:
        try:
            points, comments = _answers(request.POST, chosen)
            evaluation_id = commands.submit_evaluation(
                interaction_id,
                chosen.pk,
                evaluator_id=request.user.pk,
                points=points,
                comments=comments,
                comment=request.POST.get("comment", ""),
            )
        except DomainError as error:
            context |= {"error": str(error), "posted": request.POST}
            return render(request, "supervisor/quality/score.html", context, status=400)
        return redirect("quality:evaluation", evaluation_id=evaluation_id)
    return render(request, "supervisor/quality/score.html", context)


def _chosen(request: HttpRequest, scorecards: list[Scorecard]) -> Scorecard | None:
    wanted = request.POST.get("scorecard") or request.GET.get("scorecard")
    for scorecard in scorecards:
        if wanted is None or str(scorecard.pk) == wanted:
            return scorecard
    return None


def _answers(post, scorecard: Scorecard) -> tuple[dict[int, int | None], dict[int, str]]:
    points, comments = {}, {}
    for section in scorecard.sections.prefetch_related("criteria"):
        for criterion in section.criteria.all():
            raw = post.get(f"c{criterion.pk}", "")
            if raw == "na":
                points[criterion.pk] = None
            elif raw.isdigit():
                points[criterion.pk] = int(raw)
            elif raw:
                raise DomainError(f"{criterion.text!r}: {raw!r} is not a score")
            comments[criterion.pk] = post.get(f"note{criterion.pk}", "")[:2000]
    return points, comments


@scoring_required
def evaluation(request: HttpRequest, evaluation_id: str) -> HttpResponse:
    found = Evaluation.objects.filter(pk=evaluation_id).first()
    if found is None or not _in_scope(request, found.agent_id):
        raise Http404("no such evaluation")
    return _evaluation_page(request, found, "supervisor/quality/evaluation.html")


def _evaluation_page(request, found: Evaluation, template: str, **extra) -> HttpResponse:
    names = _names([found.agent_id, found.evaluator_id])
    return render(
        request,
        template,
        {
            "section": "quality",
            "evaluation": found,
            "agent": names.get(found.agent_id, ""),
            "evaluator": names.get(found.evaluator_id, ""),
            "transcript": _transcript(found.interaction_id),
            **extra,
        },
    )


@scoring_required
def report(request: HttpRequest) -> HttpResponse:
    try:
        first, last = parse_range(request.GET)
    except BadRequest as error:
        return HttpResponseBadRequest(f"Bad report request: {error}", content_type="text/plain")
    scope = scored_agents(request.user)
    by_agent = reports.by_agent(first, last, scope)
    names = _names([row["agent_id"] for row in by_agent])
    for row in by_agent:
        row["name"] = names.get(row["agent_id"], f"agent {row['agent_id']}")
    return render(
        request,
        "supervisor/quality/report.html",
        {
            "section": "quality",
            "first": first,
            "last": last,
            "by_agent": by_agent,
            "by_criterion": reports.by_criterion(first, last, scope),
        },
    )


@agent_required
def my_evaluations(request: HttpRequest) -> HttpResponse:
    mine = Evaluation.objects.filter(agent_id=request.user.pk)
    return render(request, "console/quality/list.html", {"evaluations": mine})


@agent_required
def my_evaluation(request: HttpRequest, evaluation_id: str) -> HttpResponse:
    found = Evaluation.objects.filter(pk=evaluation_id, agent_id=request.user.pk).first()
    if found is None:
        raise Http404("no such evaluation of yours")
    error = ""
    if request.method == "POST":
        try:
            commands.acknowledge(found.pk, request.user.pk, request.POST.get("comment", "")[:2000])
        except DomainError as refused:
            error = str(refused)
        else:
            return redirect("quality:my_evaluation", evaluation_id=found.pk)
    response = _evaluation_page(request, found, "console/quality/detail.html", error=error)
    if error:
        response.status_code = 400
    return response
