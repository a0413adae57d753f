"""Where an agent stands in a guided script: the step to do now, branches taken and skipped,
the required steps still owed, adherence. Pure."""

from contactcenter.scripts.guide import Done, Option, Script, Step, adherence, can_do, progress

RETENTION = Script(
    "Cancellation",
    (
        Step("greet", "Greet the customer by name", required=True),
        Step("verify", "Verify the account holder", required=True),
        Step(
            "reason",
            "Ask why they want to cancel",
            options=(Option("Price", "offer"), Option("Moving", "close")),
        ),
        Step("offer", "Offer 3 months at half price", required=True, next="close"),
        Step("close", "Confirm what happens next", required=True),
    ),
)


def test_a_fresh_script_starts_at_its_first_step_and_owes_every_required_one():
    where = progress(RETENTION, [])

    assert where.current == "greet"
    assert where.missing == ("greet", "verify", "offer", "close")


def test_an_answer_takes_its_branch_and_the_steps_it_passes_by_are_not_owed():
    path = [Done("greet"), Done("verify"), Done("reason", "Moving")]

    where = progress(RETENTION, path)

    assert where.current == "close"
    assert where.skipped == ("offer",)
    assert where.missing == ("close",)
    assert adherence(RETENTION, path) == 2 / 3  # greet, verify of greet, verify, close


def test_the_other_branch_owes_the_offer_and_a_finished_script_owes_nothing():
    path = [Done("greet"), Done("verify"), Done("reason", "Price"), Done("offer"), Done("close")]

    where = progress(RETENTION, path)

    assert where.finished and where.missing == () and where.skipped == ()
    assert adherence(RETENTION, path) == 1.0


def test_a_step_is_done_once_and_a_question_needs_one_of_its_answers():
    assert can_do(RETENTION, [Done("greet")], "greet", "") == "that step is done already"
    assert can_do(RETENTION, [], "reason", "Bored") == "choose one of Price, Moving"
    assert can_do(RETENTION, [], "nope", "") == "the script has no step 'nope'"
    assert can_do(RETENTION, [], "reason", "Price") == ""


def test_a_script_without_required_steps_has_no_adherence_to_score():
    optional = Script("Tips", (Step("a", "Mention the app"),))

    assert adherence(optional, []) is None
