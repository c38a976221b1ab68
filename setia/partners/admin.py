from django.contrib import admin

from setia.partners.models import Agreement, Meeting, Partner, PartnerContact, Programme


class ContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 0


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status"]
    list_filter = ["kind", "status"]
    inlines = [ContactInline, AgreementInline]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "min_tier", "starts_on", "ends_on"]
    list_select_related = ["partner", "min_tier"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "partner", "held_at"]
    list_select_related = ["partner"]
