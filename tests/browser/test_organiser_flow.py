"""The organiser's first hour, in a real browser: sign in, create the orchard contest from its
rule file, import an XLSX with one bad row (the row is named, nothing is imported), fix it,
import, add a judge and get the QR card, draw the blind codes, open the sealed mapping.

The UI speaks Chinese by default; the texts below are what it shows (messages.po).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from playwright.sync_api import Page, expect

from tests.browser.conftest import ADMIN, ADMIN_PASSWORD, ARTIFACTS, LiveServer

CONTEST = "2026 延安市苹果亩均效益冠军园竞赛"
EVENT = "亩均效益"
RULE_FILE = "apple_orchard_per_mu_benefit.yaml"
COUNTY = "县（市、区）"
# the values the rule file declares for the county, in its order
COUNTIES = ", ".join(
    ["宝塔区", "安塞区", "延长县", "延川县", "子长市", "志丹县", "吴起县"]
    + ["甘泉县", "富县", "洛川县", "宜川县", "黄龙县", "黄陵县"]
)
HEADERS = ["编号", "名称", COUNTY, "经营主体", "主栽品种", "联系电话"]
ORCHARDS = [
    ["YA001", "宝塔刘宝平果园", "宝塔区", "刘宝平家庭农场", "嘎啦", "13891100001"],
    ["YA002", "安塞孙军果园", "安塞区", "孙军家庭农场", "维纳斯黄金", "13891100002"],
    ["YA003", "延长马红梅果园", "延长县", "马红梅家庭农场", "秦脆", "13891100003"],
    ["YA004", "延川周军果园", "延川县", "周军家庭农场", "维纳斯黄金", "13891100004"],
    ["YA005", "子长李红梅果园", "子长市", "李红梅家庭农场", "瑞阳", "13891100005"],
    ["YA006", "志丹赵志强果园", "志丹县", "赵志强家庭农场", "富士", "13891100006"],
    ["YA007", "吴起陈红梅果园", "吴起县", "陈红梅家庭农场", "嘎啦", "13891100007"],
    ["YA008", "甘泉陈志强果园", "甘泉县", "陈志强家庭农场", "秦脆", "13891100008"],
    ["YA009", "富杨秀英果园", "富县", "杨秀英家庭农场", "秦脆", "13891100009"],
    ["YA010", "洛川胡宝平果园", "洛川县", "胡宝平家庭农场", "秦脆", "13891100010"],
]
# Row numbers are the spreadsheet's, as Excel shows them: the headers are row 1, so row 7
# holds the sixth orchard.
BAD_ROW = 7


def write_sheet(path: Path, rows: list[list[str]]) -> Path:
    pd.DataFrame(rows, columns=HEADERS).to_excel(path, index=False)
    return path


def test_organiser_sets_up_the_orchard_contest_in_the_browser(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    # --- sign in ------------------------------------------------------------------------------
    page.goto(f"{live_server.url}/login")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_label("用户名").fill(ADMIN)
    page.get_by_label("密码").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/console/")

    # --- create the contest from the shipped rule file, judged blind ---------------------------
    page.get_by_role("link", name="新建竞赛").click()
    page.get_by_label("竞赛名称").fill(CONTEST)
    page.get_by_label("项目", exact=True).fill(EVENT)
    page.get_by_label("scoring_rules/ 中的评分规则文件").select_option(RULE_FILE)
    page.get_by_label("加密评分").check()
    page.get_by_role("button", name="创建竞赛").click()
    expect(page.get_by_role("status")).to_have_text("竞赛已创建。")
    expect(page.get_by_role("heading", level=1)).to_have_text(CONTEST)
    expect(page.locator(".stage")).to_have_text("草稿")

    # --- open registration --------------------------------------------------------------------
    page.get_by_role("link", name="开始报名").click()
    page.locator(".step-confirm button[type=submit]").click()  # its confirmation page
    expect(page.get_by_role("status")).to_have_text("竞赛现在处于“报名”阶段。")
    expect(page.locator(".stage")).to_have_text("报名")

    # --- an XLSX with one county that is not in the rule file: nothing is imported -------------
    tabs = page.get_by_role("navigation", name="竞赛")
    tabs.get_by_role("link", name="参赛者").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text(f"{EVENT} · 参赛者 (0)")
    bad = [list(row) for row in ORCHARDS]
    bad[BAD_ROW - 2][2] = "延安市"
    upload = page.get_by_label("参赛名单（XLSX 或 CSV）")
    upload.set_input_files(write_sheet(tmp_path / "果园（有误）.xlsx", bad))
    page.get_by_role("button", name="检查表格").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(f"{EVENT} · 请核对各列含义")
    expect(page.locator(f'select[name="map:{COUNTY}"]')).to_have_value("county")
    page.get_by_role("button", name="导入", exact=True).click()

    report = page.get_by_role("alert")
    expect(report.get_by_role("heading")).to_have_text("未导入任何数据")
    expect(report.get_by_role("listitem")).to_have_text(
        [f"第 {BAD_ROW} 行，{COUNTY} 列：'延安市' 不在可选值之内：{COUNTIES}"]
    )
    tabs.get_by_role("link", name="参赛者").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text(f"{EVENT} · 参赛者 (0)")
    expect(page.locator("table.entrants tbody")).to_have_text("还没有参赛者。")

    # --- the fixed sheet: all ten orchards --------------------------------------------------
    page.get_by_label("参赛名单（XLSX 或 CSV）").set_input_files(
        write_sheet(tmp_path / "果园.xlsx", ORCHARDS)
    )
    page.get_by_role("button", name="检查表格").click()
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("已导入 10 名参赛者。")
    expect(page.get_by_role("heading", level=2).first).to_have_text(f"{EVENT} · 参赛者 (10)")
    listed = page.locator("table.entrants tbody tr")
    expect(listed).to_have_count(10)
    expect(listed.locator("td:first-child")).to_have_text([row[0] for row in ORCHARDS])
    expect(listed.filter(has_text="YA006")).to_contain_text("志丹县")

    # --- a judge, and the QR login card -----------------------------------------------------
    tabs.get_by_role("link", name="裁判").click()
    page.get_by_label("裁判姓名").fill("王志刚")
    page.get_by_label("工作单位（用于回避）").fill("延安市果业中心")
    page.get_by_role("button", name="添加并打印登录卡").click()
    card = page.locator("article.card")
    expect(card).to_have_count(1)
    expect(card.locator(".judge")).to_contain_text("王志刚")
    expect(card.locator(".judge")).to_contain_text("延安市果业中心")
    expect(card.locator(".qr svg")).to_be_visible()
    expect(card.locator(".url")).to_have_text(
        re.compile(re.escape(f"{live_server.url}/judge/login/") + r"\S+")
    )

    # --- draw the blind codes, then open the sealed mapping -----------------------------------
    page.get_by_role("link", name="裁判").click()
    tabs.get_by_role("link", name="加密号").click()
    draws = page.locator("table.table tbody tr").filter(has_text=EVENT)
    expect(draws).to_contain_text("尚未抽签")
    draws.get_by_role("button", name="抽签").click()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"已抽取加密号，随机种子 \w+。"))
    draws.get_by_role("button", name="打印密封对照表").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("加密号密封对照表")
    sealed = page.locator("table.sealed tbody tr")
    expect(sealed).to_have_count(10)
    expect(sealed.locator("td:first-child")).to_have_text([f"A-{n:02d}" for n in range(1, 11)])
    codes = sealed.locator("td:nth-child(3)").all_inner_texts()
    assert sorted(codes) == [row[0] for row in ORCHARDS]

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "organiser_flow.png"), full_page=True)
