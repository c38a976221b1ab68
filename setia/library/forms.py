from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from setia.customers.forms import FlexibleDateField
from setia.customers.models import Customer, Store
from setia.lib.domains import normalise_domain
from setia.library.models import Guide

# Pillow format → the extension the stored file gets. No SVG: it can carry scripts.
SCREENSHOT_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


def check_screenshot(upload) -> str:
    """Validate an uploaded screenshot by its content; return the extension to store it with.

    The size is checked before anything is read; then Pillow must recognise a PNG, JPEG or
    WebP (the name and the browser's content type are ignored), of at most
    LIBRARY_SCREENSHOT_MAX_SIDE pixels a side, whose data verifies.
    """
    limit = settings.LIBRARY_SCREENSHOT_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            _("The screenshot is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{upload.size / 1048576:.1f}", "limit": f"{limit / 1048576:.1f}"},
            code="too_large",
        )
    side = settings.LIBRARY_SCREENSHOT_MAX_SIDE
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            width, height = image.size
            if kind not in SCREENSHOT_FORMATS:
                raise forms.ValidationError(
                    _("Upload a PNG, JPEG or WebP image, not %(kind)s.") % {"kind": kind},
                    code="wrong_type",
                )
            if width > side or height > side:
                raise forms.ValidationError(
                    _("The image is %(width)s×%(height)s pixels; at most %(side)s a side.")
                    % {"width": width, "height": height, "side": side},
                    code="too_wide",
                )
            image.verify()
    except forms.ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise forms.ValidationError(
            _("This file is not an image Setia can read."), code="not_an_image"
        ) from None
    finally:
        upload.seek(0)
    return SCREENSHOT_FORMATS[kind]


class GuideForm(forms.ModelForm):
    """The working copy of a category's page. Objections are typed as blocks: the objection on
    the first line, the answer on the following lines, a blank line between blocks."""

    objections_text = forms.CharField(
        label=_("Objections and answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "One block per objection: the objection on the first line, the answer below it, "
            "a blank line between blocks."
        ),
    )

    class Meta:
        model = Guide
        fields = ["owner", "summary", "talking_points", "template_names", "next_review_on"]
        field_classes = {"next_review_on": FlexibleDateField}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "talking_points": forms.Textarea(attrs={"rows": 6}),
            "template_names": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = self.fields["owner"].queryset.filter(is_active=True)
        if self.instance.pk and not self.is_bound:
            self.initial["objections_text"] = "\n\n".join(
                f"{item.objection}\n{item.answer}" for item in self.instance.objections.all()
            )

    def clean_objections_text(self) -> list[tuple[str, str]]:
        blocks = [
            block.strip()
            for block in self.cleaned_data["objections_text"].replace("\r\n", "\n").split("\n\n")
        ]
        pairs = []
        for block in filter(None, blocks):
            objection, _newline, answer = block.partition("\n")
            if not answer.strip():
                raise forms.ValidationError(
                    _("The objection “%(objection)s” has no answer on the line below it.")
                    % {"objection": objection.strip()[:80]}
                )
            if len(objection.strip()) > 300:
                raise forms.ValidationError(_("Keep each objection under 300 characters."))
            pairs.append((objection.strip(), answer.strip()))
        return pairs

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ExampleStoreForm(forms.Form):
    domain = forms.CharField(
        label=_("Store"),
        max_length=300,
        help_text=_("The address of a customer's store registered in Setia."),
        widget=forms.TextInput(attrs={"placeholder": "tokoanda.com"}),
    )
    note = forms.CharField(label=_("What to show"), max_length=300, required=False)
    screenshot = forms.FileField(
        label=_("Screenshot"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )

    def __init__(self, *args, user, guide, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.guide = user, guide

    def clean_domain(self) -> Store:
        try:
            domain = normalise_domain(self.cleaned_data["domain"])
        except ValueError:
            raise forms.ValidationError(_("Enter a store address, such as tokoanda.com.")) from None
        visible = Customer.objects.visible_to(self.user).alive()
        store = (
            Store.objects.filter(domain=domain, customer__in=visible)
            .select_related("customer")
            .first()
        )
        if store is None:
            raise forms.ValidationError(
                _("No store %(domain)s among the customers you can see.") % {"domain": domain}
            )
        if self.guide.pk and self.guide.examples.filter(store=store).exists():
            raise forms.ValidationError(_("This store is already an example here."))
        return store

    def clean_screenshot(self):
        upload = self.cleaned_data.get("screenshot")
        if upload:
            extension = check_screenshot(upload)
            upload.name = f"screenshot.{extension}"
        return upload


class PublishForm(forms.Form):
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)
