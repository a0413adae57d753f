"""Quality pages: supervisors and QA specialists score closed interactions beside their
transcript and read the reports, team leads those of their teams' agents
(access.scored_agents); agents read their own evaluations (/console/quality/)."""

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from contactcenter import clock
from contactcenter.access import may_score, scored_agents, scoring_required
from contactcenter.console.state import entry_view
from contactcenter.interactions.domain import DomainError
from contactcenter.interactions.models import Interaction, TranscriptEntry
from contactcenter.knowledge.assist import sentiment_by_message
from contactcenter.kpis.reports import BadRequest, parse_range
from contactcenter.quality import (
    calibration,
    coaching_shell,
    commands,
    reports,
    sampling_shell,
)
from contactcenter.quality.models import (
    Calibration,
    CoachingSession,
    Evaluation,
    SampledInteraction,
    SamplingRule,
    Scorecard,
)
from contactcenter.roles import QA_SPECIALISTS, SUPERVISORS, agent_required
from contactcenter.scripts import commands as scripts

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
    evaluations = list(evaluations_.filter(calibration_id="")[:RECENT])
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
            "calibrations": _calibrations_of(request.user),
            "rules": SamplingRule.objects.filter(active=True),
            "samples": _samples(scope),
            "picked": request.GET.get("picked", ""),
            "scorecards": [s for s in Scorecard.objects.filter(active=True) if not s.problems()],
            "evaluators": _evaluators(),
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
    calibrating = _calibration_to_score(request, interaction_id)
    scorecards = [s for s in Scorecard.objects.filter(active=True) if not s.problems()]
    if calibrating is not None:  # its own scorecard, and nobody else's scores: blind
        scorecards = [s for s in scorecards if s.pk == calibrating.scorecard_id]
    chosen = _chosen(request, scorecards)
    context = {
        "section": "quality",
        "interaction": interaction,
        "agent": _names([interaction.last_agent_id]).get(interaction.last_agent_id, ""),
        "transcript": _transcript(interaction_id),
        "scorecards": scorecards,
        "scorecard": chosen,
        "not_scoreable": commands.scoreable(interaction),
        "previous": []
        if calibrating is not None
        else Evaluation.objects.filter(interaction_id=interaction_id, calibration_id=""),
        "calibration": calibrating,
        "criteria": _criteria_with_automatic(chosen, interaction),
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
                calibration_id=calibrating.pk if calibrating is not None else "",
            )
        except DomainError as error:
            context |= {"error": str(error), "posted": request.POST}
            return render(request, "supervisor/quality/score.html", context, status=400)
        if calibrating is not None:
            return redirect("quality:calibration", calibration_id=calibrating.pk)
        return redirect("quality:evaluation", evaluation_id=evaluation_id)
    return render(request, "supervisor/quality/score.html", context)


def _criteria_with_automatic(scorecard: Scorecard | None, interaction: Interaction) -> list:
    """The scorecard's sections, each with its criteria and, for an automatic criterion,
    the points the platform's record gives it and why: [(section, [(criterion, points,
    why)])]."""
    if scorecard is None:
        return []
    adherence = None
    rows = []
    for section in scorecard.sections.prefetch_related("criteria"):
        criteria = []
        for criterion in section.criteria.all():
            points, why = None, ""
            if criterion.automatic == "script_adherence":
                if adherence is None:
                    adherence = scripts.adherence(interaction.pk, interaction.queue_id) or ()
                if adherence:
                    share, why = adherence
                    points = round(share * criterion.max_points)
                else:
                    why = "no guided script with required steps"
            criteria.append((criterion, points, why))
        rows.append((section, criteria))
    return rows


def _calibration_to_score(request: HttpRequest, interaction_id: str) -> Calibration | None:
    """The calibration this score is for (`calibration` in the query or form): the user must
    be one of its evaluators, and not have scored it yet."""
    wanted = request.POST.get("calibration") or request.GET.get("calibration")
    if not wanted:
        return None
    found = Calibration.objects.filter(pk=wanted, interaction_id=interaction_id).first()
    if found is None or request.user.pk not in found.evaluator_ids:
        raise Http404("no such calibration of yours")
    return found


# -- sampling --------------------------------------------------------------------------------


def _samples(scope: frozenset[int] | None) -> list[tuple[SampledInteraction, str]]:
    """Picks not scored yet (by anyone, outside calibrations), oldest first: the QA to-do."""
    found = SampledInteraction.objects.order_by("picked_at", "key")
    if scope is not None:
        found = found.filter(agent_id__in=scope)
    scored = set(
        Evaluation.objects.filter(
            interaction_id__in=found.values("interaction_id"), calibration_id=""
        ).values_list("interaction_id", flat=True)
    )
    open_ = [s for s in found[: RECENT * 4] if s.interaction_id not in scored][:RECENT]
    names = _names([s.agent_id for s in open_])
    return [(s, names.get(s.agent_id, "")) for s in open_]


@scoring_required
@require_POST
def pick_samples(request: HttpRequest, rule_id: int) -> HttpResponse:
    try:
        picked = sampling_shell.sample(rule_id, scored_agents(request.user))
    except DomainError as error:
        return HttpResponseBadRequest(f"Nothing picked: {error}", content_type="text/plain")
    return redirect(f"{reverse('quality:supervisor')}?picked={picked}#samples")


# -- calibration -----------------------------------------------------------------------------


def _evaluators() -> list[User]:
    """Who can be asked to calibrate: whoever may score (supervisors, QA specialists, leads)."""
    return list(
        User.objects.filter(
            Q(is_superuser=True)
            | Q(groups__name__in=[SUPERVISORS, QA_SPECIALISTS])
            | Q(led_teams__isnull=False),
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def _calibrations_of(user: User) -> list[tuple[Calibration, bool]]:
    """The calibrations `user` opened or is asked to score (all, for whoever scores
    everyone's work), each with whether they still owe a score."""
    everyone = scored_agents(user) is None
    # (The evaluators are a JSON list, which SQLite cannot search: the recent ones are read.)
    found = [
        c
        for c in Calibration.objects.all()[: RECENT * 4]
        if everyone or user.pk == c.opened_by or user.pk in c.evaluator_ids
    ]
    return [(c, user.pk in c.evaluator_ids and not c.has_scored(user.pk)) for c in found[:RECENT]]


def _may_see(user: User, found: Calibration) -> bool:
    if user.pk == found.opened_by or user.pk in found.evaluator_ids:
        return True
    scope = scored_agents(user)
    if scope is None:
        return True
    agent = Interaction.objects.filter(pk=found.interaction_id).values_list(
        "last_agent_id", flat=True
    )
    return agent.first() in scope


@scoring_required
@require_POST
def open_calibration(request: HttpRequest) -> HttpResponse:
    interaction_id = request.POST.get("interaction", "")
    interaction = Interaction.objects.filter(pk=interaction_id).first()
    if interaction is None or not _in_scope(request, interaction.last_agent_id):
        return HttpResponseBadRequest("Choose a closed interaction you may score.")
    chosen = set(request.POST.getlist("evaluators"))
    people = [u for u in _evaluators() if str(u.pk) in chosen]
    if len(people) != len(chosen) or not all(may_score(u) for u in people):
        return HttpResponseBadRequest("Choose evaluators among those who may score.")
    agent = interaction.last_agent_id
    if any((scope := scored_agents(u)) is not None and agent not in scope for u in people):
        # (a team lead of another team could never score it, and it would never complete)
        return HttpResponseBadRequest("Choose evaluators who may score this agent's work.")
    try:
        calibration_id = commands.open_calibration(
            interaction_id,
            int(request.POST.get("scorecard") or 0),
            evaluator_ids=[u.pk for u in people],
            opened_by=request.user.pk,
        )
    except (DomainError, ValueError) as error:
        return HttpResponseBadRequest(f"This calibration cannot open: {error}")
    return redirect("quality:calibration", calibration_id=calibration_id)


@scoring_required
def calibration_page(request: HttpRequest, calibration_id: str) -> HttpResponse:
    found = Calibration.objects.filter(pk=calibration_id).first()
    if found is None or not _may_see(request.user, found):
        raise Http404("no such calibration")
    names = _names([*found.evaluator_ids, found.opened_by])
    outcome = None
    if found.complete:  # blind until every evaluator has scored
        scored = Evaluation.objects.filter(calibration_id=found.pk)
        outcome = calibration.report(
            [
                calibration.Scored(names.get(e.evaluator_id, str(e.evaluator_id)), e.score, e.items)
                for e in sorted(scored, key=lambda e: names.get(e.evaluator_id, ""))
            ]
        )
    return render(
        request,
        "supervisor/quality/calibration.html",
        {
            "section": "quality",
            "calibration": found,
            "opened_by": names.get(found.opened_by, ""),
            "evaluators": [
                (names.get(e, str(e)), found.has_scored(e)) for e in found.evaluator_ids
            ],
            "mine_to_score": request.user.pk in found.evaluator_ids
            and not found.has_scored(request.user.pk),
            "report": outcome,
            "wide": calibration.WIDE,
            "transcript": _transcript(found.interaction_id) if found.complete else [],
        },
    )


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
    if found is None or not _in_scope(request, found.agent_id) or _blind(request, found):
        raise Http404("no such evaluation")
    return _evaluation_page(
        request,
        found,
        "supervisor/quality/evaluation.html",
        coaching=CoachingSession.objects.filter(evaluation_ids__icontains=found.pk),
        due_default=(clock.now().date() + timedelta(days=7)).isoformat(),
    )


def _blind(request: HttpRequest, found: Evaluation) -> bool:
    """A calibration's evaluation is its evaluator's alone until every evaluator has scored."""
    if not found.calibration_id or found.evaluator_id == request.user.pk:
        return False
    return not Calibration.objects.filter(pk=found.calibration_id, complete=True).exists()


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
    coached = coaching_shell.report(first, last, scope, clock.now().date())
    names |= _names([s.agent_id for s, _ in coached["sessions"]])
    return render(
        request,
        "supervisor/quality/report.html",
        {
            "section": "quality",
            "first": first,
            "last": last,
            "by_agent": by_agent,
            "by_criterion": reports.by_criterion(first, last, scope),
            "coaching": coached,
            "coached": [(s, names.get(s.agent_id, ""), e) for s, e in coached["sessions"]],
        },
    )


@agent_required
def my_evaluations(request: HttpRequest) -> HttpResponse:
    mine = Evaluation.objects.filter(agent_id=request.user.pk, calibration_id="")
    weeks, trend = coaching_shell.agent_trend(request.user.pk, clock.now().date())
    return render(
        request,
        "console/quality/list.html",
        {
            "evaluations": mine,
            "coaching": CoachingSession.objects.filter(agent_id=request.user.pk),
            "weeks": weeks,
            "trend": [
                (criterion, _sparkline(values), values) for criterion, values in trend.items()
            ],
        },
    )


def _sparkline(values: list[float | None], width: int = 160, height: int = 36) -> dict:
    """For 0..100 values over the weeks: SVG polylines (one per run of weeks with a score)
    and a dot for each week scored (a lone week is a dot, not an invisible line)."""
    step = (width - 8) / max(1, len(values) - 1)
    runs, run, dots = [], [], []
    for n, value in enumerate(values):
        if value is None:
            if run:
                runs.append(run)
            run = []
            continue
        x, y = 4 + n * step, height - 4 - value / 100 * (height - 8)
        run.append(f"{x:.1f},{y:.1f}")
        dots.append((f"{x:.1f}", f"{y:.1f}"))
    if run:
        runs.append(run)
    return {"lines": [" ".join(r) for r in runs if len(r) > 1], "dots": dots}


@agent_required
@require_POST
def acknowledge_coaching(request: HttpRequest, coaching_id: str) -> HttpResponse:
    try:
        coaching_shell.acknowledge(
            coaching_id, request.user.pk, request.POST.get("comment", "")[:2000]
        )
    except DomainError as refused:
        if "of yours" in str(refused):
            raise Http404("no such coaching session of yours") from None
        return HttpResponseBadRequest(str(refused), content_type="text/plain")
    return redirect(f"{reverse('quality:mine')}#coaching")


# -- coaching (supervisors, team leads, QA specialists) --------------------------------------


@scoring_required
@require_POST
def plan_coaching(request: HttpRequest) -> HttpResponse:
    evaluation_ids = request.POST.getlist("evaluation")
    agents = set(
        Evaluation.objects.filter(pk__in=evaluation_ids).values_list("agent_id", flat=True)
    )
    if not agents or not all(_in_scope(request, a) for a in agents):
        return HttpResponseBadRequest("Choose evaluations of an agent you coach.")
    try:
        coaching_id = coaching_shell.plan(
            evaluation_ids,
            coach_id=request.user.pk,
            goals=request.POST.get("goals", "").splitlines(),
            due_on=date.fromisoformat(request.POST.get("due_on", "")),
            focus_criteria=[int(c) for c in request.POST.getlist("focus")],
            note=request.POST.get("note", ""),
        )
    except (DomainError, ValueError) as error:
        return HttpResponseBadRequest(f"This session cannot be planned: {error}")
    return redirect("quality:coaching", coaching_id=coaching_id)


@scoring_required
def coaching_page(request: HttpRequest, coaching_id: str) -> HttpResponse:
    found = CoachingSession.objects.filter(pk=coaching_id).first()
    if found is None or not _in_scope(request, found.agent_id):
        raise Http404("no such coaching session")
    error = ""
    if request.method == "POST":
        try:
            coaching_shell.hold(found.pk, request.user.pk, request.POST.get("note", ""))
        except DomainError as refused:
            error = str(refused)
        else:
            return redirect("quality:coaching", coaching_id=found.pk)
    names = _names([found.agent_id, found.coach_id])
    response = render(
        request,
        "supervisor/quality/coaching.html",
        {
            "section": "quality",
            "session": found,
            "agent": names.get(found.agent_id, ""),
            "coach": names.get(found.coach_id, ""),
            "effect": coaching_shell.session_effect(found),
            "error": error,
        },
    )
    if error:
        response.status_code = 400
    return response


@agent_required
def my_evaluation(request: HttpRequest, evaluation_id: str) -> HttpResponse:
    found = Evaluation.objects.filter(
        pk=evaluation_id, agent_id=request.user.pk, calibration_id=""
    ).first()
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
