from django.urls import path

from setia.tiers import views

app_name = "tiers"

urlpatterns = [
    path("", views.list_tiers, name="tier-list"),
    path("report/", views.tier_report, name="tier-report"),
    path("rules/new/", views.add_rule, name="rule-add"),
    path("rules/<int:rule_id>/delete/", views.delete_rule, name="rule-delete"),
    path("<slug:slug>/edit/", views.edit_tier, name="tier-edit"),
]
