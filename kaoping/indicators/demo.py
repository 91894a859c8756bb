"""The demo schemes: the article's indicator system for one town and year, for the three populations.

The agency cadres' scheme has the article's 6 categories and 42 indicators (党的建设, 新旧动能转换,
乡村振兴, 民生服务保障, 防范化解风险, 督促落实), every rule kind among them, Party building, the credit
system and public demands as fixed indicators, weights adding up to 100 from January and, from May
2026 on, the weight of investment attraction raised from 7 to 9 (营商环境 and 宣传思想文化 giving one
point each). The leadership members' and village cadres' schemes take fewer indicators from the same
catalogue with their own weights and, where the work differs, their own standards: "linked yet
distinct". All three share the catalogue of bonus and deduction reasons.

The names and standards are made up in the style of a town's assessment rules (考核细则); the
structure is the article's.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from kaoping.audit.services import record
from kaoping.people.models import Population, Town

from .models import (
    AdjustmentKind,
    AdjustmentReason,
    Category,
    Indicator,
    IndicatorWeight,
    ItemKind,
    RuleKind,
    Scheme,
    SchemeStatus,
    TieBreak,
    VetoEffect,
)

D = Decimal
CATEGORIES = ("党的建设", "新旧动能转换", "乡村振兴", "民生服务保障", "防范化解风险", "督促落实")
MANUAL, COMPLETION, PASS_FAIL = RuleKind.MANUAL, RuleKind.COMPLETION, RuleKind.PASS_FAIL
PER_OCCURRENCE, RANK, VETO = RuleKind.PER_OCCURRENCE, RuleKind.RANK, RuleKind.VETO


@dataclass(frozen=True)
class Item:
    """One indicator of the catalogue."""

    key: str
    category: int  # index into CATEGORIES
    name: str
    standard: str
    max_score: Decimal
    rule_kind: str = MANUAL
    params: dict[str, Any] = field(default_factory=dict)
    fixed: bool = False
    item_kind: str = ItemKind.MONTHLY_KEY_WORK


# fmt: off
CATALOGUE = (
    # 党的建设: fixed indicators, as the article says of Party building.
    Item("dj_org", 0, "基层党组织建设",
         "对照党支部标准化规范化建设要求，考核“三会一课”、主题党日、组织生活会开展及党员发展、党费收缴等工作，"
         "由党建办每月评定，最高4分。", D(4), fixed=True),
    Item("dj_brand", 0, "党建品牌创建",
         "围绕“鸿雁领航”等党建品牌打造示范点、总结经验做法，由党建办按工作成效评定；经验被市级以上推广的得满分。",
         D(3), fixed=True),
    Item("dj_ideology", 0, "意识形态工作",
         "落实意识形态工作责任制，按时完成理论学习中心组学习、阵地管理和舆情处置；当月未出现意识形态领域负面事件的"
         "得2分，否则不得分。", D(2), PASS_FAIL, fixed=True),
    Item("dj_clean", 0, "党风廉政建设",
         "落实全面从严治党主体责任和“一岗双责”，每发现一起违反中央八项规定精神或廉洁纪律的问题扣1分，扣完为止。",
         D(3), PER_OCCURRENCE, {"points_each": D(1), "cap": D(3)}, fixed=True),
    Item("dj_style", 0, "干部作风建设",
         "被市级以上通报或媒体曝光作风问题、工作日擅离岗位被查实的，每次扣0.5分，扣完为止。",
         D(2), PER_OCCURRENCE, {"points_each": D("0.5"), "cap": D(2)}, fixed=True),
    Item("dj_publicity", 0, "宣传思想文化工作",
         "每月在县级以上媒体刊发本镇工作宣传稿件不少于4篇，按完成比例计分，超额不加分。",
         D(2), COMPLETION, {"target": D(4)}, fixed=True),
    Item("dj_rank", 0, "党建工作市级考核排名",
         "以市委组织部对各镇（街道）党建工作月度调度排名为准，第1名得4分，每后退一个名次减0.5分。",
         D(4), RANK, {"ladder_step": D("0.5")}, fixed=True),
    Item("dj_veto", 0, "党风廉政一票否决",
         "本人发生违纪违法问题被立案审查或受到党纪政务处分的，实行一票否决，当年不得评先选优。",
         D(1), VETO, {"veto_effect": VetoEffect.CAP_GRADE}, fixed=True),
    # 新旧动能转换
    Item("ec_invest", 1, "招商引资",
         "以当月新签约项目协议投资额计，月度目标3000万元，按完成比例计分；签约项目须经经济发展办核实。",
         D(7), COMPLETION, {"target": D(3000)}),
    Item("ec_project", 1, "重点项目建设",
         "重点项目形象进度达到月度计划进度的百分比，按完成比例计分；进度以项目调度台账和现场核实为准。",
         D(4), COMPLETION, {"target": D(100)}),
    Item("ec_enterprise", 1, "规上工业企业培育",
         "当月新培育纳入统计的规模以上工业企业，每家计1分，最高3分。",
         D(3), PER_OCCURRENCE, {"points_each": D(1), "cap": D(3), "adds": True}),
    Item("ec_fixed_asset", 1, "固定资产投资",
         "以市统计局发布的各镇（街道）固定资产投资增速为准，以全市最高值为满分，按比例折算。",
         D(3), RANK, {"proportional": True}),
    Item("ec_business", 1, "营商环境建设",
         "落实企业服务专员制度，帮助企业解决用工、融资、审批等问题；由经济发展办结合企业评价每月评定，最高2分。",
         D(2)),
    Item("ec_tech", 1, "科技创新",
         "完成当月高新技术企业培育、科技型中小企业入库等市定任务的得2分，未完成的不得分。",
         D(2), PASS_FAIL),
    Item("ec_tax", 1, "财税收入",
         "税收收入完成年度任务序时进度的百分比，按完成比例计分。",
         D(1), COMPLETION, {"target": D(100)}),
    # 乡村振兴
    Item("rv_collective", 2, "村集体经济增收",
         "全镇村集体经营性收入完成年度增收任务序时进度的百分比，按完成比例计分。",
         D(4), COMPLETION, {"target": D(100)}),
    Item("rv_industry", 2, "特色农业产业发展",
         "推进苹果、花生、茶叶等特色产业提质增效，引进和培育农业产业化项目；由农业农村综合服务中心每月评定，最高3分。",
         D(3)),
    Item("rv_environment", 2, "农村人居环境整治",
         "以市农村人居环境暗访检查月度排名为准，第1名得3分，每后退一个名次减0.3分。",
         D(3), RANK, {"ladder_step": D("0.3")}),
    Item("rv_farmland", 2, "耕地保护",
         "卫片执法和日常巡查发现新增违法占用耕地的，每宗扣1分，扣完为止。",
         D(3), PER_OCCURRENCE, {"points_each": D(1), "cap": D(3)}),
    Item("rv_demo", 2, "乡村振兴示范片区建设",
         "按示范片区建设计划推进基础设施、产业项目和村庄风貌提升，由分管领导每月评定，最高2分。",
         D(2)),
    Item("rv_poverty", 2, "巩固拓展脱贫攻坚成果",
         "防返贫动态监测全覆盖、帮扶措施落实到位，当月未出现返贫致贫的得2分，否则不得分。",
         D(2), PASS_FAIL),
    Item("rv_service", 2, "农业社会化服务",
         "开展农机作业、统防统治、技术培训等社会化服务，按服务面积和群众评价评定，最高1分。",
         D(1)),
    Item("rv_land", 2, "土地流转与新型经营主体培育",
         "当月新增规范流转土地500亩，按完成比例计分。",
         D(2), COMPLETION, {"target": D(500)}),
    # 民生服务保障: public demands (民生诉求) and the credit system (信用建设) are fixed.
    Item("ms_hotline", 3, "民生诉求办理",
         "以12345政务服务便民热线诉求办理综合成绩在全市各镇（街道）的月度排名为准，第1名得4分，每后退一个名次减0.3分。",
         D(4), RANK, {"ladder_step": D("0.3")}, fixed=True),
    Item("ms_credit", 3, "信用建设",
         "推进社会信用体系建设，按时归集报送信用信息、开展信用修复和诚信宣传，按市信用办月度评估结果折算，最高3分。",
         D(3), fixed=True),
    Item("ms_pension", 3, "城乡居民养老保险",
         "城乡居民养老保险参保续缴完成率（%），按完成比例计分。",
         D(2), COMPLETION, {"target": D(100)}),
    Item("ms_medical", 3, "城乡居民医保征缴",
         "城乡居民基本医疗保险征缴完成率（%），按完成比例计分。",
         D(2), COMPLETION, {"target": D(100)}),
    Item("ms_veterans", 3, "退役军人服务保障",
         "退役军人信息采集、走访慰问和优抚政策落实到位，当月无越级上访的得1分，否则不得分。",
         D(1), PASS_FAIL),
    Item("ms_window", 3, "便民服务",
         "便民服务中心窗口出现办事群众差评或超时办理的，每件扣0.5分，扣完为止。",
         D(2), PER_OCCURRENCE, {"points_each": D("0.5"), "cap": D(2)}),
    Item("ms_civilization", 3, "新时代文明实践",
         "组织开展新时代文明实践志愿服务活动，每次计0.5分，最高2分；活动须在志愿服务平台登记。",
         D(2), PER_OCCURRENCE, {"points_each": D("0.5"), "cap": D(2), "adds": True}),
    Item("ms_elderly", 3, "养老与困难群众救助",
         "落实特困供养、低保动态管理和居家养老服务，由社会事务办每月评定，最高2分。",
         D(2)),
    # 防范化解风险
    Item("rk_safety", 4, "安全生产",
         "安全生产检查发现隐患未按期整改或被上级通报的，每起扣1分，扣完为止。",
         D(4), PER_OCCURRENCE, {"points_each": D(1), "cap": D(4)}),
    Item("rk_safety_veto", 4, "重大安全事故一票否决",
         "辖区或分管领域发生较大及以上生产安全责任事故的，本大项得分为零。",
         D(1), VETO, {"veto_effect": VetoEffect.ZERO_CATEGORY}),
    Item("rk_petition", 4, "信访稳定",
         "发生到省进京越级上访或群体性上访的，每起扣1分，扣完为止。",
         D(3), PER_OCCURRENCE, {"points_each": D(1), "cap": D(3)}),
    Item("rk_ecology", 4, "生态环境保护",
         "以市生态环境部门对各镇（街道）环境质量和问题整改的月度排名为准，第1名得3分，每后退一个名次减0.3分。",
         D(3), RANK, {"ladder_step": D("0.3")}),
    Item("rk_fire", 4, "森林防火",
         "严格落实森林防火责任和野外火源管控，当月未发生森林火情的得2分，否则不得分。",
         D(2), PASS_FAIL),
    Item("rk_finance", 4, "防范非法集资",
         "开展防范非法集资宣传和风险排查，由财政经管服务中心每月评定，最高1分。",
         D(1)),
    Item("rk_peace", 4, "平安建设",
         "以平安建设群众安全感满意度测评得分为准，以全市最高值为满分按比例折算。",
         D(1), RANK, {"proportional": True}),
    # 督促落实: how supervision items were handled flows in here.
    Item("du_supervision", 5, "督办事项办理",
         "两委会分办及督查办交办事项按期办结率（%），按完成比例计分；办理质量不高被退回的视为未按期办结。",
         D(2), COMPLETION, {"target": D(100)}),
    Item("du_adhoc", 5, "上级临时交办任务",
         "完成上级临时交办的重点工作，按完成时效和质量由分管领导评定，最高2分。",
         D(2), item_kind=ItemKind.AD_HOC),
    Item("du_rectify", 5, "督查通报问题整改",
         "《督查通报》通报的问题未按期整改到位的，每件扣0.5分，扣完为止。",
         D(1), PER_OCCURRENCE, {"points_each": D("0.5"), "cap": D(1)}),
    Item("du_discipline", 5, "工作纪律",
         "无故缺席会议、迟到早退、值班脱岗被查实的，每次扣0.5分，扣完为止。",
         D(1), PER_OCCURRENCE, {"points_each": D("0.5"), "cap": D(1)}),
)
# fmt: on
ITEMS = {item.key: item for item in CATALOGUE}


@dataclass(frozen=True)
class Use:
    """How one population's scheme uses a catalogue item: its weight, and what differs."""

    key: str
    weight: Decimal
    overrides: dict[str, Any] = field(default_factory=dict)


def _uses(weights: str, overrides: dict[str, dict[str, Any]] | None = None) -> tuple[Use, ...]:
    """`"dj_org 4, dj_brand 3"` as uses, in that order."""
    uses = []
    for part in weights.split(","):
        key, weight = part.split()
        uses.append(Use(key, D(weight), (overrides or {}).get(key, {})))
    return tuple(uses)


AGENCY = _uses(
    "dj_org 4, dj_brand 3, dj_ideology 2, dj_clean 3, dj_style 2, dj_publicity 2, dj_rank 4, dj_veto 0,"
    "ec_invest 7, ec_project 4, ec_enterprise 3, ec_fixed_asset 3, ec_business 2, ec_tech 2, ec_tax 1,"
    "rv_collective 4, rv_industry 3, rv_environment 3, rv_farmland 3, rv_demo 2, rv_poverty 2,"
    "rv_service 1, rv_land 2,"
    "ms_hotline 4, ms_credit 3, ms_pension 2, ms_medical 2, ms_veterans 1, ms_window 2, ms_civilization 2,"
    "ms_elderly 2,"
    "rk_safety 4, rk_safety_veto 0, rk_petition 3, rk_ecology 3, rk_fire 2, rk_finance 1, rk_peace 1,"
    "du_supervision 2, du_adhoc 2, du_rectify 1, du_discipline 1"
)
LEADERSHIP = _uses(
    "dj_org 5, dj_ideology 3, dj_clean 4, dj_rank 5, dj_veto 0,"
    "ec_invest 14, ec_project 8, ec_fixed_asset 5,"
    "rv_collective 7, rv_environment 5, rv_demo 4,"
    "ms_hotline 7, ms_credit 4, ms_pension 3,"
    "rk_safety 6, rk_safety_veto 0, rk_petition 5, rk_ecology 4,"
    "du_supervision 6, du_adhoc 5",
    {
        "dj_org": {
            "standard": "抓好分管领域和联系村党组织建设，落实“第一议题”和“三会一课”制度，"
            "由党委每月评定，最高4分。"
        },
        "ec_invest": {
            "standard": "分管领域及联系片区当月新签约项目协议投资额，月度目标5000万元，按完成比例计分。",
            "target": D(5000),
        },
    },
)
VILLAGE = _uses(
    "dj_org 8, dj_clean 4, dj_veto 0,"
    "rv_collective 12, rv_industry 6, rv_environment 8, rv_farmland 6, rv_poverty 4, rv_land 4,"
    "ms_hotline 8, ms_credit 5, ms_pension 5, ms_medical 5,"
    "rk_safety 6, rk_safety_veto 0, rk_petition 8, rk_fire 5,"
    "du_supervision 4, du_adhoc 2",
    {
        "dj_org": {
            "standard": "村党组织按时开展“三会一课”、主题党日，落实“四议两公开”，由党建办每月评定，最高4分。"
        },
        "rv_collective": {"standard": "本村集体经营性收入完成年度增收任务序时进度的百分比，按完成比例计分。"},
        "rv_environment": {
            "standard": "以镇对各村人居环境月度检查排名为准，第1名得3分，每后退一个名次减0.2分。",
            "ladder_step": D("0.2"),
        },
        "rv_land": {"standard": "本村当月新增规范流转土地50亩，按完成比例计分。", "target": D(50)},
        "ms_hotline": {
            "standard": "涉及本村的12345热线诉求按时回复、办结和群众满意情况，由便民服务中心按月对各村排名，"
            "第1名得4分，每后退一个名次减0.2分。",
            "ladder_step": D("0.2"),
        },
        "rk_safety_veto": {"standard": "本村发生较大及以上生产安全责任事故的，本大项得分为零。"},
        "rk_petition": {"standard": "本村群众发生到省进京越级上访或群体性上访的，每起扣1分，扣完为止。"},
    },
)
SCHEMES = {Population.LEADERSHIP: LEADERSHIP, Population.AGENCY: AGENCY, Population.VILLAGE: VILLAGE}
# From May 2026 on, investment attraction weighs more in the agency cadres' scheme.
WEIGHT_CHANGES = {
    (Population.AGENCY, 2026): (5, {"ec_invest": D(9), "ec_business": D(1), "dj_publicity": D(1)}),
}

# (kind, name, standard, usual points)
# fmt: off
REASONS = (
    (AdjustmentKind.BONUS, "改革创新",
     "改革创新经验做法被市级以上推广，或在全市会议上作典型发言的，每项加0.5分。", D("0.5")),
    (AdjustmentKind.BONUS, "争先创优（国家级）", "个人或牵头工作获国家级表彰的，加1分。", D(1)),
    (AdjustmentKind.BONUS, "争先创优（省级）", "个人或牵头工作获省级表彰的，加0.8分。", D("0.8")),
    (AdjustmentKind.BONUS, "争先创优（威海市级）", "个人或牵头工作获威海市级表彰的，加0.5分。", D("0.5")),
    (AdjustmentKind.BONUS, "争先创优（乳山市级）", "个人或牵头工作获乳山市级表彰的，加0.3分。", D("0.3")),
    (AdjustmentKind.BONUS, "招商引资",
     "引进固定资产投资5000万元以上产业项目并落地开工的，每个项目加0.5分。", D("0.5")),
    (AdjustmentKind.DEDUCTION, "全面从严治党",
     "落实全面从严治党主体责任不力，被上级约谈或通报的，每次扣1分。", D(1)),
    (AdjustmentKind.DEDUCTION, "党风廉政建设",
     "违反廉洁纪律受到诫勉谈话、通报批评的，每次扣1分；分管领导按“一岗双责”同时扣分。", D(1)),
    (AdjustmentKind.DEDUCTION, "意识形态",
     "意识形态工作责任落实不到位，出现负面舆情造成不良影响的，每次扣0.5分。", D("0.5")),
    (AdjustmentKind.DEDUCTION, "社会稳定", "发生进京赴省越级上访或群体性事件的，每起扣1分。", D(1)),
    (AdjustmentKind.DEDUCTION, "安全生产", "发生一般生产安全责任事故的，每起扣1分；分管领导同时扣分。", D(1)),
    (AdjustmentKind.DEDUCTION, "生态环境",
     "被中央、省生态环境保护督察或市级以上通报生态环境问题的，每件扣0.5分。", D("0.5")),
)
# fmt: on
SCHEME_NAMES = {
    Population.LEADERSHIP: "{year}年度镇班子成员考核指标体系",
    Population.AGENCY: "{year}年度机关干部考核指标体系",
    Population.VILLAGE: "{year}年度农村干部考核指标体系",
}


@transaction.atomic
def load_demo_schemes(town: Town, year: int, *, status: str = SchemeStatus.PUBLISHED) -> list[Scheme]:
    """Create the town's three demo schemes for `year` (with one `scheme.load` audit entry each).

    Refuses nothing: the caller loads into a town without schemes for that year.
    """
    schemes = []
    for population, uses in SCHEMES.items():
        scheme = Scheme.objects.create(
            town=town,
            year=year,
            population=population,
            name=SCHEME_NAMES[population].format(year=year),
            status=status,
            bonus_cap_month=D(1),
            bonus_cap_year=D(3),
            tie_breaks=[TieBreak.PERFORMANCE, TieBreak.DEMOCRATIC],
        )
        present = sorted({ITEMS[use.key].category for use in uses})
        categories = {
            index: Category(scheme=scheme, name=CATEGORIES[index], sort_order=number)
            for number, index in enumerate(present, start=1)
        }
        Category.objects.bulk_create(categories.values())
        indicators = []
        counters: dict[int, int] = {}
        for order, use in enumerate(uses, start=1):
            item = ITEMS[use.key]
            counters[item.category] = counters.get(item.category, 0) + 1
            values = {"standard": item.standard, "max_score": item.max_score, **item.params, **use.overrides}
            indicators.append(
                Indicator(
                    scheme=scheme,
                    category=categories[item.category],
                    code=f"{categories[item.category].sort_order}.{counters[item.category]}",
                    name=item.name,
                    rule_kind=item.rule_kind,
                    item_kind=item.item_kind,
                    is_fixed=item.fixed,
                    sort_order=order,
                    **values,
                )
            )
        Indicator.objects.bulk_create(indicators)
        by_key = {use.key: indicator for use, indicator in zip(uses, indicators, strict=True)}
        weights = [
            IndicatorWeight(indicator=by_key[use.key], effective_from=date(year, 1, 1), weight=use.weight)
            for use in uses
        ]
        if change := WEIGHT_CHANGES.get((population, year)):
            month, changed = change
            weights += [
                IndicatorWeight(indicator=by_key[key], effective_from=date(year, month, 1), weight=weight)
                for key, weight in changed.items()
            ]
        IndicatorWeight.objects.bulk_create(weights)
        AdjustmentReason.objects.bulk_create(
            AdjustmentReason(
                scheme=scheme,
                kind=kind,
                name=name,
                standard=standard,
                default_points=points,
                sort_order=order,
            )
            for order, (kind, name, standard, points) in enumerate(REASONS, start=1)
        )
        record(
            actor=None,
            action="scheme.load",
            target=scheme,
            new={"categories": len(categories), "indicators": len(indicators), "weights": len(weights)},
            note="载入演示考核指标体系",
        )
        schemes.append(scheme)
    return schemes
