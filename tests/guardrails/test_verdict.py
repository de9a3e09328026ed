import time

from parley.guardrails.verdict import Action, Verdict, timed, worst


def test_the_most_severe_verdict_wins():
    verdicts = [
        Verdict.ok("a.ok"),
        Verdict(action=Action.MODIFY, code="pii.redacted", modified_text="[EMAIL]"),
        Verdict(action=Action.BLOCK, code="injection.pattern"),
        Verdict(action=Action.WARN, code="tone.too_long"),
    ]
    assert worst(verdicts).code == "injection.pattern"


def test_no_verdicts_means_no_worst_verdict():
    assert worst([]) is None


def test_block_and_escalate_stop_the_text_but_modify_does_not():
    assert Verdict(action=Action.BLOCK, code="x").stops
    assert Verdict(action=Action.ESCALATE, code="x").stops
    assert not Verdict(action=Action.MODIFY, code="x").stops
    assert not Verdict.ok("x").stops


def test_a_timed_check_reports_its_duration():
    @timed
    def slow_check(text: str) -> Verdict:
        time.sleep(0.01)
        return Verdict.ok("slow.ok")

    verdict = slow_check("hello")
    assert verdict.duration_ms >= 9


def test_a_verdict_survives_a_json_round_trip():
    verdict = Verdict(action=Action.BLOCK, code="leak.email", message="m", details={"spans": [[1, 2]]})
    assert Verdict.model_validate_json(verdict.model_dump_json()) == verdict
