"""审计追踪: the audit trail for the auditor (and the administrator), read-only. Search by
object, person, action and date; each entry's hash; "verify the chain" recomputes it
(audit.services.verify) and shows the result."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from policyhub.audit.models import AuditEntry
from policyhub.audit.services import record, verify
from policyhub.web import access
from policyhub.web.refusals import refused

# What each recorded action means, by its name's start (the longest match wins).
ACTIONS = {
    "applications.apply": "创建申报", "applications.submit": "提交申报",
    "applications.accept": "受理", "applications.review": "部门审核",
    "applications.final_review": "复核并公示", "applications.approve": "批准",
    "applications.pay": "拨付", "applications.return": "退回补正",
    "applications.refuse": "不予支持", "applications.withdraw": "撤回",
    "applications.object": "公示异议", "applications.confirm": "确认免申即享",
    "applications.view": "查看申报", "applications.propose": "生成免申即享建议",
    "applications.dismiss_proposal": "放弃免申即享建议",
    "applications.screening.start": "发起免申即享筛查", "applications.screening": "免申即享筛查",
    "applications.committee_decision": "录入一事一议会议决定", "applications": "申报办理",
    "ledger.contribute": "资金入账", "ledger.commit": "资金预留", "ledger.pay": "资金拨付",
    "ledger.release": "预留释放", "ledger.read": "查看资金台账", "ledger.export": "导出资金台账",
    "ledger": "专项资金",
    "materials.upload": "上传申报材料", "materials.download": "下载申报材料",
    "plan.report": "报送目标数据", "plan.remind": "发送报送提醒", "plan": "行动计划监测",
    "registry.import": "导入登记数据", "registry.export": "导出登记数据", "registry": "主体登记",
    "centres": "服务中心记录", "web.demo.load": "载入演示数据",
}


def object_label(object_type: str) -> str:
    """A model's label ("applications.application") as its Chinese name ("申报")."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return "记录"


def action_label(action: str) -> str:
    best = max((k for k in ACTIONS if action == k or action.startswith(k + ".")),
               key=len, default="")
    return ACTIONS[best] if best else "其他操作"


class AuditSearch(forms.Form):
    obj = forms.CharField(label="对象（类型或编号）", required=False, max_length=80)
    person = forms.CharField(label="操作人", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False,
                               choices=[("", "全部操作"), *sorted(ACTIONS.items(),
                                                              key=lambda kv: kv[1])])
    since = forms.DateField(label="起始日期", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "请填写日期（年-月-日）"})
    until = forms.DateField(label="截止日期", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "请填写日期（年-月-日）"})

    def apply(self, qs: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        if not self.is_valid():
            return qs
        d = self.cleaned_data
        if d["obj"]:
            qs = qs.filter(Q(object_type__icontains=d["obj"]) | Q(object_id=d["obj"]))
        if d["person"]:
            qs = qs.filter(Q(actor_label__icontains=d["person"])
                           | Q(actor__first_name__icontains=d["person"]))
        if d["action"]:
            qs = qs.filter(Q(action=d["action"]) | Q(action__startswith=d["action"] + "."))
        if d["since"]:
            qs = qs.filter(at__date__gte=d["since"])
        if d["until"]:
            qs = qs.filter(at__date__lte=d["until"])
        return qs


@login_required
def audit_page(request: HttpRequest) -> HttpResponse:
    if not access.reads_audit(request.user):
        return refused(request, "审计追踪仅向审计和系统管理员开放。", action="audit.read")
    form = AuditSearch(request.GET or None)
    qs = form.apply(AuditEntry.objects.select_related("actor").order_by("-seq"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(e, action_label(e.action),
             (e.actor.get_full_name() or e.actor.get_username()) if e.actor else "系统",
             object_label(e.object_type) if e.object_type else "")
            for e in page]
    context: dict[str, Any] = {"form": form, "page": page, "rows": rows}
    if request.method == "POST" and request.POST.get("verify"):
        result = verify()
        record(request.user, "audit.verify", None, ok=result.ok, checked=result.checked)
        context["verification"] = result
    return render(request, "web/audit/page.html", context)
