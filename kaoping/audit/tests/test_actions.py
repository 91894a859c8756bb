from django.utils import translation

from kaoping.audit.actions import verb_label


def test_a_known_verb_reads_as_words_in_both_languages():
    with translation.override("en"):
        assert verb_label("cadre.update") == "changed"
    with translation.override("zh-hans"):
        assert verb_label("cadre.update") == "修改"


def test_an_unknown_verb_is_shown_as_written():
    assert verb_label("item.escalate") == "escalate"


def test_a_verb_meaning_something_else_for_a_subject_has_its_own_name():
    with translation.override("en"):
        assert verb_label("lagging_list.compute") == "computed from the published rankings"
        assert (
            verb_label("annual_proposal.compute")
            == "annual proposal computed from the year's published months"
        )
        assert verb_label("annual_result.compute") == "annual grade set by the computed proposal"
        assert verb_label("pay_plan.compute") == "pay computed from the confirmed annual grades"
    with translation.override("zh-hans"):
        assert verb_label("annual_proposal.compute") == "根据本年度已公布月份计算年度等次建议"
        assert verb_label("annual_result.compute") == "按计算的建议确定年度等次"
        assert verb_label("pay_plan.compute") == "根据已确认的年度等次计算发放金额"
