"""Chinese text uses Chinese punctuation (：，。（）): in every zh-Hans translation, and where a template
puts punctuation beside translated text (the `punctuation` template tags)."""

import gettext
import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

import kaoping

CATALOGUE = Path(kaoping.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
# An ASCII colon, comma or bracket touching a Chinese character (a space between them included).
ASCII_BESIDE_CJK = re.compile(rf"(?<={CJK}) ?[:,()]|[:,()] ?(?={CJK})")
# Real exceptions: a formula keeps its ASCII brackets.
ALLOWED = ("Σ(得分率 × 权重)",)
# ASCII punctuation typed in a template right after translated text.
TEMPLATE_ASCII = re.compile(
    r'(translate "[^"]*"(?: context "[^"]*")? %\}|endblocktranslate %\}|_display \}\}): '
)
# Pages restyled separately would be listed here (none is left), so that nothing else slips in.
TEMPLATES_PENDING: set[str] = set()


def _translations() -> dict:
    with CATALOGUE.open("rb") as file:
        return gettext.GNUTranslations(file)._catalog  # type: ignore[attr-defined]


def _mistakes(text: str) -> list[str]:
    for allowed in ALLOWED:
        text = text.replace(allowed, "")
    return [text[max(0, m.start() - 8) : m.end() + 8] for m in ASCII_BESIDE_CJK.finditer(text)]


def test_the_scan_catches_ascii_punctuation_beside_chinese():
    assert _mistakes("状态变更: 已交办") and _mistakes("办理中(逾期)") and _mistakes("张三,李四")
    assert (
        not _mistakes("状态变更：已交办")
        and not _mistakes("2026-03 (v2)")
        and not _mistakes("Σ(得分率 × 权重)")
    )


def test_every_chinese_translation_uses_chinese_punctuation():
    problems = {
        key: found
        for key, value in _translations().items()
        if isinstance(value, str) and (found := _mistakes(value))
    }
    assert problems == {}


def test_no_template_types_ascii_punctuation_after_translated_text():
    root = Path(kaoping.__file__).parent
    problems = []
    for path in root.glob("*/templates/**/*.html"):
        name = "/".join(path.relative_to(root).parts[2:])  # <app>/templates/<name>
        if name in TEMPLATES_PENDING:
            continue
        for match in TEMPLATE_ASCII.finditer(path.read_text()):
            problems.append(f"{path.relative_to(root)}: …{match.group(0)}")
    assert problems == []


def test_the_punctuation_tags_follow_the_language():
    template = Template(
        "{% load punctuation %}状态{% colon %}办理中{{ role|parens }}{% semicolon %}完{% full_stop %}"
    )
    with translation.override("zh-hans"):
        assert template.render(Context({"role": "责任人"})) == "状态：办理中（责任人）；完。"
    with translation.override("en"):
        assert template.render(Context({"role": "owner"})) == "状态: 办理中 (owner); 完."
    with translation.override("zh-hans"):
        assert Template("{% load punctuation %}{{ role|parens }}").render(Context({"role": ""})) == ""
