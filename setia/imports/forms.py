from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from setia.accounts.models import User
from setia.customers.models import Category, Customer, Plan
from setia.imports.actions import NEW_CATEGORY
from setia.imports.mapping import EXTRA, FIELDS, IGNORE, check_mapping
from setia.imports.models import ImportSource
from setia.lib.reading import FileError, Table, open_table
from setia.lib.regions import PROVINCE_CHOICES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (any delimiter, UTF-8 or Windows encoding) or XLSX, up to 100 MB."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=80,
        required=False,
        help_text=_(
            'Where the file comes from, e.g. "onboarding sheet": its column mapping is remembered.'
        ),
    )
    default_owner = forms.ModelChoiceField(
        label=_("Account owner of new customers"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Used when the file has no account owner column or the cell is empty; "
            "executives' imports default to themselves."
        ),
    )
    is_strict = forms.BooleanField(label=_("Import nothing if any row is rejected"), required=False)
    table: Table | None  # the file, read by clean_file

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        owners = User.objects.filter(is_active=True)
        if not user.has_perm("customers.view_all_customers"):
            # Executives import for their own team (the engine enforces it for every row).
            owners = (
                owners.filter(team_id=user.team_id) if user.team_id else owners.filter(pk=user.pk)
            )
        self.fields["default_owner"].queryset = owners
        self.fields["source"].widget.attrs["list"] = "import-sources"
        self.initial.setdefault("default_owner", user.pk)
        self.sources = list(ImportSource.objects.values_list("name", flat=True))
        self.table = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            # Read as a stream (checked and counted a block at a time): the header and the first
            # rows are all the next steps show.
            self.table = open_table(upload)
        except FileError as error:
            raise forms.ValidationError(error.message) from None
        upload.seek(0)
        return upload

    def clean_source(self):
        return " ".join(self.cleaned_data["source"].split())


def mapping_choices():
    return [
        (EXTRA, _("Keep as an extra attribute")),
        (IGNORE, _("Ignore this column")),
        *[(key, label) for key, label in FIELDS.items()],
    ]


class MappingForm(forms.Form):
    """One choice per column of the file, named `column_<index>`."""

    def __init__(
        self, *args, header: list[str], mapping: dict[str, str], samples: list[list[str]], **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.header = header
        self.columns = []
        for index, column in enumerate(header):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=column,
                choices=mapping_choices(),
                required=False,
                initial=mapping.get(column, EXTRA),
            )
            examples = [row[index] for row in samples if index < len(row) and row[index].strip()][
                :3
            ]
            self.columns.append((self[name], examples))

    def clean(self):
        cleaned = super().clean()
        for problem in check_mapping(self.mapping()):
            self.add_error(None, problem)
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {
            column: self.cleaned_data.get(f"column_{index}", EXTRA) or EXTRA
            for index, column in enumerate(self.header)
        }


def value_choices(field: str, value: str, *, may_create: bool) -> list[tuple[str, str | Promise]]:
    """What a value outside the list of `field` may become: nothing (the field left empty),
    one of the list's values, or (categories, for those who manage them) a new category."""
    choices: list[tuple[str, str | Promise]] = [("", _("Leave empty"))]
    if field == "category":
        if may_create:
            choices.append(
                (NEW_CATEGORY, _("Add “%(value)s” to the categories") % {"value": value})
            )
        categories = Category.objects.filter(is_active=True)
        choices += [(category.slug, category.display_name) for category in categories]
    elif field == "plan":
        choices += [(plan.code, plan.display_name) for plan in Plan.objects.filter(is_active=True)]
    elif field == "status":
        choices += list(Customer.Status.choices)
    elif field == "province":
        choices += list(PROVINCE_CHOICES)
    return choices


class ValuesForm(forms.Form):
    """One choice per distinct value outside a managed list, named `value_<index>`, its
    initial choice the one remembered."""

    def __init__(self, *args, unknown: list[dict], chosen: dict, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown = unknown
        may_create = user.has_perm("customers.add_category")
        self.items = []
        for index, item in enumerate(unknown):
            name = f"value_{index}"
            self.fields[name] = forms.ChoiceField(
                label=item["value"],
                choices=value_choices(item["field"], item["value"], may_create=may_create),
                required=False,
                initial=chosen.get(item["column"], {}).get(item["value"], ""),
            )
            self.items.append((item, self[name]))

    def chosen(self) -> dict[str, dict[str, str]]:
        """{column: {value: target, "" or NEW_CATEGORY}} for every value listed."""
        result: dict[str, dict[str, str]] = {}
        for index, item in enumerate(self.unknown):
            target = self.cleaned_data.get(f"value_{index}", "")
            result.setdefault(item["column"], {})[item["value"]] = target
        return result
