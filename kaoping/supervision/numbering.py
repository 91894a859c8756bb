"""How a bulletin's number reads (pure: no database). The numbers themselves come from
`services.bulletin_publish`, which takes them from a locked per-town, per-year counter row."""

SUPPLEMENT = "supplement"


def label(kind: str, number: int) -> str:
    """第N期 for a regular issue, 增刊第N期 for a supplement (numbered apart)."""
    if number < 1:
        raise ValueError("a bulletin number starts at 1")
    prefix = "增刊" if kind == SUPPLEMENT else ""
    return f"{prefix}第{number}期"
