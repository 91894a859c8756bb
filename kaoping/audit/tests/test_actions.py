from django.utils import translation

from kaoping.audit.actions import verb_label


def test_a_known_verb_reads_as_words_in_both_languages():
    with translation.override("en"):
        assert verb_label("cadre.update") == "changed"
    with translation.override("zh-hans"):
        assert verb_label("cadre.update") == "修改"


def test_an_unknown_verb_is_shown_as_written():
    assert verb_label("item.escalate") == "escalate"
