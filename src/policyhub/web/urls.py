"""URLs of the shared pages, mounted at the site root under the namespace `web`."""

from django.urls import URLPattern, path

from policyhub.web.views import (
    audit,
    centres,
    evaluate,
    policy,
    screening,
    simulation,
    todo,
    trial,
)

app_name = "web"

urlpatterns: list[URLPattern] = [
    path("policy/", policy.policy_text, name="policy"),
    path("policy/rules/", policy.rule_list, name="rules"),
    path("policy/rules/<str:rule_id>/", policy.rule_detail, name="rule"),
    path("evaluate/", trial.trial_page, name="evaluate"),
    path("evaluate/json/", evaluate.evaluate_page, name="evaluate_json"),
    path("todo/", todo.todo_page, name="todo"),
    path("centres/", centres.index, name="centres"),
    path("todo/screening/", screening.screening_page, name="screening"),
    path("todo/screening/start/", screening.screening_start, name="screening_start"),
    path("todo/screening/<int:pk>/", screening.screening_job, name="screening_job"),
    path("todo/reminders/", screening.reminders, name="reminders"),
    path("todo/simulation/", simulation.simulation_page, name="simulation"),
    path("audit/", audit.audit_page, name="audit"),
]
