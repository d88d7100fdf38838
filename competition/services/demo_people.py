"""The demo programme's people: names, units, valid national ID numbers (made up, with the
right check digit) and a skill that follows each person from contest to contest, so that
the welder who wins an enterprise round is strong in the county round too.

An ID number is handed out once per person (name and unit) and again on every sheet that
person is on: the import's duplicate check then links each of their entrants to one
person, as it would with real sheets.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "建军 海龙 秀英 志强 红梅 宝平 立新 延平 小燕 国庆 文华 春生 玉兰 向东 治国 建华 "
    "利民 永刚 晓东 丽娟 彦军 卫东 宏伟 鹏飞 亚军 振华 小军 新民 金花 桂芳 胜利 保安 "
    "延军 延红 思源 浩然 子涵 宇航 佳怡 欣然 明辉 俊杰 建平 凤英 爱民 国强 文斌 丽华 "
    "海军 东升 瑞雪 晨阳 天佑 世杰 光明 红霞 亚楠 振兴 少华 长青"
).split()
# 延安's counties and districts with the six digits that begin their residents' ID numbers
REGION_CODES = {
    "宝塔区": "610602",
    "安塞区": "610603",
    "延长县": "610621",
    "延川县": "610622",
    "子长市": "610681",
    "志丹县": "610625",
    "吴起县": "610626",
    "甘泉县": "610627",
    "富县": "610628",
    "洛川县": "610629",
    "宜川县": "610630",
    "黄龙县": "610631",
    "黄陵县": "610632",
}
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_number(region: str, born: date, sequence: int) -> str:
    """An 18-character ID number with its GB 11643 check character."""
    body = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + _CHECK[total % 11]


@dataclass
class Registry:
    """Who is who across the demo's sheets: one ID number per (name, unit)."""

    numbers: dict[tuple[str, str], str] = field(default_factory=dict)
    used_names: set[str] = field(default_factory=set)
    drawn: int = 0

    def id_of(self, name: str, unit: str, county: str) -> str:
        key = (name, unit)
        if key not in self.numbers:
            n = len(self.numbers)
            born = date(1968, 1, 1) + timedelta(days=(n * 7) % 13000)
            self.numbers[key] = id_number(REGION_CODES.get(county, "610602"), born, n)
        return self.numbers[key]

    def new_names(self, count: int) -> list[str]:
        """``count`` names no sheet of the demo has used yet (a new person each)."""
        names: list[str] = []
        while len(names) < count:
            self.drawn += 1
            n = self.drawn * 7919  # a prime walk over every surname × given name pairing
            name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)]
            if name not in self.used_names:
                self.used_names.add(name)
                names.append(name)
        return names


def skill(name: str, unit: str) -> float:
    """How good a person is, 0.35 to 0.95, the same in every contest they enter."""
    return 0.35 + 0.6 * (zlib.crc32(f"{name}|{unit}".encode()) % 1000) / 1000


def sheet(rows: Sequence[Mapping[str, object]]) -> bytes:
    """An entrants sheet (XLSX) as an organiser would upload it."""
    buffer = io.BytesIO()
    pd.DataFrame(rows).to_excel(buffer, index=False)
    return buffer.getvalue()
