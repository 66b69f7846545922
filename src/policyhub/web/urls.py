"""URLs of the shared pages, mounted at the site root under the namespace `web`."""

from django.urls import URLPattern, path

from policyhub.web.views import centres, evaluate, policy, todo, trial

app_name = "web"

urlpatterns: list[URLPattern] = [
    path("policy/", policy.policy_text, name="policy"),
    path("policy/rules/", policy.rule_list, name="rules"),
    path("policy/rules/<str:rule_id>/", policy.rule_detail, name="rule"),
    path("evaluate/", trial.trial_page, name="evaluate"),
    path("evaluate/json/", evaluate.evaluate_page, name="evaluate_json"),
    path("todo/", todo.todo_page, name="todo"),
    path("centres/", centres.index, name="centres"),
]
