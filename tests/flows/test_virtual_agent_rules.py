"""The virtual agent's decisions, pure: given the evidence the shell found, what it does."""

from routing.flows import virtual_agent as va

ARTICLE = va.Candidate("a1", "Resetting your password", "Choose Forgot password.", "")
OTHER = va.Candidate("a2", "Changing your e-mail", "Go to Profile.", "")
FRESH = va.Conversation()


def sure(confidence=0.8, **more) -> va.Evidence:
    return va.Evidence(candidates=(ARTICLE, OTHER), confidence=confidence, **more)


def test_it_answers_from_the_best_article_above_the_threshold():
    decision = va.decide("I forgot my password", "", FRESH, sure())
    assert decision.kind == "answered"
    assert decision.article_ids == ("a1",)
    assert decision.text.startswith("Choose Forgot password.")
    assert [o["value"] for o in decision.options] == ["yes", "no"]


def test_below_the_threshold_it_asks_once_which_article_was_meant():
    decision = va.decide("password thing", "", FRESH, sure(confidence=0.3))
    assert decision.kind == "clarified"
    assert decision.article_ids == ("a1", "a2")
    assert [o["label"] for o in decision.options] == [
        "Resetting your password",
        "Changing your e-mail",
        "None of these: a person, please",
    ]
    again = va.decide("hmm", "", va.Conversation(last="clarified", clarified=True), sure(0.3))
    assert (again.kind, again.reason) == ("handed_off", "low_confidence")


def test_a_picked_option_names_its_article():
    asked = va.Conversation(last="clarified", clarified=True, offered=("a1", "a2"))
    assert va.picked(asked, "2", "") == "a2"
    assert va.picked(asked, "", "1") == "a1"
    assert va.picked(asked, "0", "") == va.PERSON_OPTION
    assert va.picked(asked, "something else", "") == ""
    assert va.picked(FRESH, "1", "") == ""


def test_asking_for_a_person_hands_off_at_once():
    decision = va.decide("Can I talk to a real person please", "", FRESH, sure())
    assert (decision.kind, decision.reason) == ("handed_off", "asked_for_person")
    assert decision.intent == "Resetting your password"


def test_a_negative_message_hands_off():
    decision = va.decide("this is useless", "", FRESH, sure(sentiment=-0.8))
    assert (decision.kind, decision.reason) == ("handed_off", "negative_sentiment")


def test_after_an_answer_yes_resolves_and_no_hands_off():
    answered = va.Conversation(last="answered", tried=("a1",))
    assert va.decide("yes thanks!", "", answered, va.Evidence()).kind == "resolved"
    assert va.decide("Yes", "yes", answered, va.Evidence()).kind == "resolved"
    no = va.decide("no, that didn't help", "", answered, va.Evidence())
    assert (no.kind, no.reason) == ("handed_off", "not_helpful")


def test_a_new_question_after_an_answer_is_answered_in_its_turn():
    answered = va.Conversation(last="answered", tried=("a1",))
    decision = va.decide(
        "and how do I change my e-mail?",
        "",
        answered,
        va.Evidence(candidates=(OTHER,), confidence=0.9),
    )
    assert (decision.kind, decision.article_ids) == ("answered", ("a2",))


def test_with_nothing_found_it_hands_off_with_the_customers_words_as_intent():
    decision = va.decide("do you sell tickets", "", FRESH, va.Evidence())
    assert (decision.kind, decision.reason, decision.intent) == (
        "handed_off",
        "low_confidence",
        "do you sell tickets",
    )


def test_a_greeting_is_not_a_question_to_answer():
    assert not va.worth_answering("Hi there!")
    assert not va.worth_answering("hello, help please")
    assert va.worth_answering("where is my order")
