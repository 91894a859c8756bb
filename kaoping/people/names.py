"""Made-up Chinese personal names for the demo towns, drawn from common surnames and name characters.

The surnames are weighted towards those common on the Jiaodong peninsula (王, 于, 姜, 宫, 丛, 曲,
初, 隋 …), where Rushan lies. Given names follow the fashions of the decade a person was born in, so
that a community instructor born in 1967 is a 建国 or a 秀兰 and a clerk born in 1998 a 浩然 or a 雨婷.
Every name is generated; a match with a real person is chance, and the names of national leaders
are refused outright.
"""

import random

# (surname, weight): weights are rough shares, not statistics.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 14),
    ("于", 10),
    ("张", 9),
    ("刘", 8),
    ("李", 8),
    ("宋", 6),
    ("姜", 6),
    ("孙", 6),
    ("林", 5),
    ("徐", 4),
    ("杨", 4),
    ("赵", 4),
    ("陈", 3),
    ("宫", 3),
    ("丛", 3),
    ("曲", 3),
    ("初", 2),
    ("隋", 2),
    ("高", 3),
    ("邵", 2),
    ("辛", 2),
    ("戚", 1),
    ("鞠", 1),
    ("邹", 1),
    ("房", 1),
    ("连", 1),
    ("蔡", 1),
    ("董", 2),
    ("吕", 1),
    ("周", 2),
    ("郭", 2),
    ("马", 2),
    ("冯", 1),
    ("谭", 1),
    ("乔", 1),
    ("毕", 1),
)

# Given-name characters by sex and generation: (first characters, second characters).
_OLDER_MALE = (
    "建国志学永德宝春明玉振洪忠庆立长世文海成克树俊福",
    "国华军民强林平东生明胜刚波杰峰伟江山堂亮武涛利",
)
_OLDER_FEMALE = ("秀玉桂淑美春红丽爱金凤素月翠香", "英兰芳珍梅华霞云荣花娟琴芬萍莲")
_YOUNGER_MALE = ("浩宇子俊晓鹏博振家嘉文明志天思泽一佳", "然轩宇航杰凯磊鑫浩哲阳鹏伟超飞辰睿涛铭")
_YOUNGER_FEMALE = ("晓雪佳欣雨思梦婷静文子海丽美诗若", "琳婷雯颖悦洁璐倩妍怡菲然彤萱丹敏晴蕾")

# Names too close to public figures to put in a demo.
_REFUSED = frozenset(
    {
        "习近平",
        "李强",
        "赵乐际",
        "王沪宁",
        "蔡奇",
        "丁薛祥",
        "李希",
        "李克强",
        "韩正",
        "王岐山",
        "胡锦涛",
        "温家宝",
        "江泽民",
        "王毅",
        "刘鹤",
        "何立峰",
        "张伟",
        "王伟",
        "李娜",
        "刘洋",
    }
)


_SURNAME_CHARS = tuple(s for s, _ in SURNAMES)
_SURNAME_WEIGHTS = tuple(w for _, w in SURNAMES)


def _surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_CHARS, weights=_SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, *, male: bool, birth_year: int) -> str:
    """One or two characters, in the style of people of that sex born in that year."""
    if birth_year < 1982:
        first, second = _OLDER_MALE if male else _OLDER_FEMALE
    else:
        first, second = _YOUNGER_MALE if male else _YOUNGER_FEMALE
    if rng.random() < 0.2:
        return rng.choice(second)
    a, b = rng.choice(first), rng.choice(second)
    return a + b if a != b else a + rng.choice(second)


def person_name(rng: random.Random, *, male: bool, birth_year: int, taken: set[str]) -> str:
    """A full name not in `taken` (which it is added to), so that names are unique within a town."""
    while True:
        name = _surname(rng) + given_name(rng, male=male, birth_year=birth_year)
        if name not in taken and name not in _REFUSED:
            taken.add(name)
            return name
