from django.contrib import admin

from setia.knowledge import actions
from setia.knowledge.models import Article, Synonym


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Read-only: an edit here would skip the versions and the search index; the answers'
    own pages edit them."""

    list_display = ["key", "area", "state", "owner", "review_on", "use_count"]
    list_filter = ["state", "area", "audience"]
    search_fields = ["key", "question_id", "question_en"]
    list_select_related = ["owner"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """The synonym list; saving or deleting re-indexes every answer."""

    list_display = ["term", "variants"]
    search_fields = ["term", "variants"]

    def save_model(self, request, obj, form, change):
        actions.save_synonym(
            synonym=obj, actor=request.user, data={"term": obj.term, "variants": obj.variants}
        )

    def delete_model(self, request, obj):
        actions.delete_synonym(synonym=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for synonym in queryset:
            actions.delete_synonym(synonym=synonym, actor=request.user)
