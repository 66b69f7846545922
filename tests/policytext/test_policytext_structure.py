"""The shape of 长政办发〔2019〕30号 as counted in the text itself."""

from __future__ import annotations

from policyhub import policytext

CN = "一二三四五六七八九十"


def kinds(parent: str, kind: str) -> list[policytext.Clause]:
    return [c for c in policytext.children(parent) if c.kind == kind]


def test_ids_unique_and_parents_exist() -> None:
    raw_ids = [c.id for c in policytext.clauses().values()]
    assert len(raw_ids) == len(set(raw_ids))
    all_clauses = policytext.clauses()
    for c in all_clauses.values():
        if c.parent is None:
            assert c.id in {"通知", "计划", "政策"}
        else:
            assert c.parent in all_clauses, c.id
            assert c.document == all_clauses[c.parent].document, c.id
        assert c.id.split("/")[0].split("#")[0] == c.document


def test_top_level_ids() -> None:
    all_clauses = policytext.clauses()
    for cid in (
        "通知",
        "计划/序言",
        "政策/序言",
        "计划/一",
        "计划/二",
        "计划/三",
        "政策/一",
        "政策/二",
        "政策/三",
    ):
        assert cid in all_clauses
    assert all_clauses["计划/序言"].text.startswith("为加快建设国家网络安全产业园区")
    assert all_clauses["政策/序言"].text.startswith("为加快实施《长沙市网络安全产业发展规划》")
    assert "请认真贯彻执行" in all_clauses["通知"].text


def test_policy_has_ten_support_clauses() -> None:
    items = kinds("政策/二", "subsection")
    assert [c.id for c in items] == [f"政策/二/({n})" for n in CN]
    assert policytext.clause("政策/二/(四)").heading == "(四)支持骨干企业培育和引进"
    for c in items:
        assert c.text.startswith(c.heading + "。"), c.id
        assert c.responsible_units, c.id
        assert not c.lead_units, c.id


def test_policy_scope_and_supplementary_provisions() -> None:
    assert policytext.clause("政策/一").heading == "一、适用范围"
    assert [c.id for c in kinds("政策/三", "subsection")] == [
        "政策/三/(一)",
        "政策/三/(二)",
        "政策/三/(三)",
    ]
    assert "就高不就低" in policytext.clause("政策/三/(一)#2").text
    assert "2019年8月1日起施行,有效期3年" in policytext.clause("政策/三/(三)").text


def test_action_plan_has_18_tasks_in_5_groups() -> None:
    groups = kinds("计划/二", "subsection")
    assert [g.id for g in groups] == [f"计划/二/({n})" for n in CN[:5]]
    counts = [len(kinds(g.id, "task")) for g in groups]
    assert counts == [3, 4, 6, 3, 2]
    tasks = [t for g in groups for t in kinds(g.id, "task")]
    assert len(tasks) == 18
    for t in tasks:
        assert t.lead_units, t.id
        assert all(u and "单位" not in u for u in t.lead_units + t.responsible_units), t.id
        assert "牵头单位" in t.text, t.id
    assert policytext.clause("计划/二/(三)/3").heading == "3. 建设信息技术创新适配及应用中心"


def test_task_units_parsed() -> None:
    t = policytext.clause("计划/二/(四)/2")
    assert t.lead_units == ("市数据资源局",)
    assert t.responsible_units == ("各区县(市)人民政府", "市直各部门")
    t = policytext.clause("计划/二/(三)/4")
    assert t.lead_units == ("市委网信办",)
    assert t.responsible_units == ("市工业和信息化局", "市公安局", "市数据资源局")
    # the two 一会一赛 tasks name only a lead unit
    assert policytext.clause("计划/二/(五)/1").responsible_units == ()
    assert policytext.clause("计划/二/(五)/2").lead_units == ("市科技局",)


def test_targets_bullets() -> None:
    bullets = kinds("计划/一", "target")
    assert [b.id for b in bullets] == ["计划/一#1", "计划/一#2", "计划/一#3"]
    assert [b.heading for b in bullets] == [
        "产业规模大幅提升",
        "创新能力显著提高",
        "产业生态发展成型",
    ]
    assert policytext.clause("计划/一").text.startswith("到2021年")


def test_plan_safeguards() -> None:
    assert [c.heading for c in kinds("计划/三", "subsection")] == [
        "(一)加强组织领导",
        "(二)加强资金支持",
        "(三)加强人才支撑",
    ]


def test_support_clauses_have_sentence_ids() -> None:
    expected = {  # sentence count and the start of each sentence, pinned for parameter files
        "政策/二/(一)": ("自2020年起", "在高新区按照", "由市产业投资基金"),
        "政策/二/(二)": ("加快长沙网络安全研究总院", "平台投入运营前三年"),
        "政策/二/(三)": ("打造一批特色产业集聚基地",),
        "政策/二/(四)": ("设立企业“上台阶”", "引进行业内具有明显竞争优势"),
        "政策/二/(五)": (
            "对经认定的国际顶尖人才",
            "对入选市级高层次紧缺急需人才",
            "对网络安全领域军民融合",
        ),
        "政策/二/(六)": ("鼓励企业参与网络安全领域",),
        "政策/二/(七)": ("对企业投资规模在 5000 万元", "对市场前景好"),
        "政策/二/(八)": ("对在长沙市注册并进入首发上市程序", "其中,企业在中国证监会"),
        "政策/二/(九)": ("设立专项资金", "每年在全市范围内评选"),
        "政策/二/(十)": ("每两年度在长沙举办", "对来长落户的"),
    }
    for cid, starts in expected.items():
        sentences = kinds(cid, "sentence")
        assert len(sentences) == len(starts), cid
        for s, start in zip(sentences, starts, strict=True):
            assert s.text.startswith(start), s.id
            assert "责任单位" not in s.text, s.id


def test_clause_nine_has_two_responsibility_groups() -> None:
    assert policytext.clause("政策/二/(九)#1").responsible_units == (
        "市委办公厅",
        "市委保密办",
        "市财政局",
    )
    assert policytext.clause("政策/二/(九)#2").responsible_units == ("市工业和信息化局", "市财政局")
    assert policytext.clause("政策/二/(九)").responsible_units == (
        "市委办公厅",
        "市委保密办",
        "市财政局",
        "市工业和信息化局",
    )
