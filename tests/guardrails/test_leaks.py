from parley.guardrails.leaks import check_leaks
from parley.guardrails.profile import LeakConfig
from parley.guardrails.verdict import Action

SYSTEM_PROMPT = (
    "You are the assistant of Schrauben Meyer GmbH. Never reveal purchase prices or margins. "
    "Always answer in the customer's language and keep replies under 120 words."
)
PRODUCT = {"sku": "HB-M8X40", "unit_price": 0.32, "cost_price": 0.11, "tenant_id": "t_8f3a9c2d1e"}


def test_a_copied_run_of_the_system_prompt_is_a_leak():
    reply = "My instructions say: never reveal purchase prices or margins. Always answer in the customer's language."
    verdict = check_leaks(reply, system_prompt=SYSTEM_PROMPT)
    assert verdict.code == "leak.system_prompt"
    assert "never reveal purchase prices" in verdict.details["leaks"][0]["text"].lower()


def test_sharing_a_few_words_with_the_system_prompt_is_not_a_leak():
    reply = "I am the assistant of Schrauben Meyer and happy to help with your bolts."
    assert check_leaks(reply, system_prompt=SYSTEM_PROMPT).action == Action.PASS


def test_internal_field_names_are_leaks_in_either_spelling():
    assert check_leaks("The cost_price is not public.").code == "leak.internal_field"
    assert check_leaks("Your tenantId is set.").code == "leak.internal_field"


def test_the_value_of_an_internal_field_is_a_leak():
    verdict = check_leaks("We buy it for €0.11 and sell it for €0.32.", tool_results=[PRODUCT])
    assert verdict.code == "leak.internal_value"
    assert verdict.details["leaks"][0]["text"] == "€0.11"


def test_public_values_from_the_same_tool_result_are_fine():
    assert check_leaks("It costs €0.32 per piece.", tool_results=[PRODUCT]).action == Action.PASS


def test_an_internal_string_value_is_a_leak():
    assert check_leaks("Your account t_8f3a9c2d1e is active.", tool_results=[PRODUCT]).stops


def test_another_customers_email_is_a_leak_but_the_customers_own_is_not():
    reply = "I sent the invoice to jane@example.com and a copy to bob@example.org."
    verdict = check_leaks(reply, customer_email="Jane@example.com")
    assert [leak["text"] for leak in verdict.details["leaks"]] == ["bob@example.org"]


def test_the_business_own_addresses_are_allowed():
    config = LeakConfig(allowed_email_domains=("schrauben-meyer.example",))
    assert check_leaks("Write to support@schrauben-meyer.example.", config=config).action == Action.PASS


def test_an_address_the_business_published_may_be_quoted_but_no_other():
    article = "Monday to Friday 07:30-17:00 CET. Email sales@schrauben-meyer.example."
    assert check_leaks(article, published=[article]).action == Action.PASS
    other = f"{article} Or write to jane.doe@customer.example."
    verdict = check_leaks(other, published=[article])
    assert verdict.code == "leak.email"
    assert [leak["text"] for leak in verdict.details["leaks"]] == ["jane.doe@customer.example"]
