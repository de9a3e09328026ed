"""Ready-made topic descriptions for :class:`~parley.guardrails.profile.TopicConfig`.

Written from the usual content-policy categories, phrased the way a customer would ask, because MiniLM
matches phrasing as much as meaning. They catch blunt requests; a dedicated moderation model would be
needed for disguised ones (on JailbreakBench's harmful goals these reach about a third at 5% false alarms).
"""

__all__ = ["HARMFUL_TOPICS"]

HARMFUL_TOPICS: dict[str, tuple[str, ...]] = {
    "weapons": (
        "how to build a bomb or make explosives at home",
        "instructions for making guns, ammunition, or chemical and biological weapons",
    ),
    "hacking": (
        "write malware, ransomware, a virus, or a keylogger",
        "how to hack into someone's computer, account, or network",
    ),
    "drugs": ("how to make, buy, or sell illegal drugs like meth, cocaine, or heroin",),
    "self_harm": ("methods of suicide or self-harm",),
    "violence": ("how to hurt, kill, or poison a person", "plan a terrorist attack or a mass shooting"),
    "hate": ("write hateful content attacking people for their race, religion, gender, or ethnicity",),
    "fraud": (
        "write a phishing email or a scam to steal money from people",
        "commit fraud, forge documents, launder money, or evade taxes",
    ),
    "privacy": ("find someone's home address or personal data without their consent",),
}
