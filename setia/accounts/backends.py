from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import CharField, Value


class RoleBackend(ModelBackend):
    """Django's model backend, loading a user's permissions and role groups in one query.

    Every page checks permissions and shows the user's role; the stock backend spends three
    queries on that (user permissions, group permissions, groups). Page query counts are a budget
    (the customers list must stay within 10), so this one UNION pays for itself on every request.
    """

    def _load(self, user_obj) -> None:
        if hasattr(user_obj, "_perm_cache") or not user_obj.is_active or user_obj.is_anonymous:
            return
        columns = ("content_type__app_label", "codename")
        from_groups = (
            Permission.objects.filter(group__user=user_obj)
            .values_list(*columns, "group__name")
            .order_by()
        )
        direct = (
            Permission.objects.filter(user=user_obj)
            .values_list(*columns, Value("", output_field=CharField()))
            .order_by()
        )
        group_perms, user_perms, group_names = set(), set(), set()
        for app_label, codename, group_name in from_groups.union(direct, all=True):
            if group_name:
                group_perms.add(f"{app_label}.{codename}")
                group_names.add(group_name)
            else:
                user_perms.add(f"{app_label}.{codename}")
        if user_obj.is_superuser:
            everything = Permission.objects.values_list(*columns).order_by()
            group_perms = {f"{app_label}.{codename}" for app_label, codename in everything}
        user_obj._user_perm_cache = user_perms
        user_obj._group_perm_cache = group_perms
        user_obj._perm_cache = user_perms | group_perms
        user_obj._role_names = group_names

    def get_all_permissions(self, user_obj, obj=None):
        self._load(user_obj)
        return super().get_all_permissions(user_obj, obj)

    def get_user_permissions(self, user_obj, obj=None):
        self._load(user_obj)
        return super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj, obj=None):
        self._load(user_obj)
        return super().get_group_permissions(user_obj, obj)
