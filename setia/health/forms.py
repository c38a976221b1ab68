"""The health settings page's form: each factor's thresholds and days, its weight per tier,
and the score's bands."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from setia.health.models import (
    FACTOR_ORDER,
    HIGHER_IS_BETTER,
    WINDOWED,
    Factor,
    FactorSetting,
    Policy,
)


class SettingsForm(forms.Form):
    """One field per factor and figure (`<factor>-good`, `-poor`, `-days`, `-active`), one per
    factor and tier for the weights (`w-<factor>-<tier id>`, `w-<factor>-all` for the default)
    and the policy's three."""

    good_from = forms.IntegerField(
        label=gettext_lazy("Good from (score)"), min_value=1, max_value=100
    )
    poor_below = forms.IntegerField(
        label=gettext_lazy("Poor below (score)"), min_value=0, max_value=100
    )
    any_poor_caps = forms.BooleanField(
        label=gettext_lazy("Any poor factor → at most average"), required=False
    )

    def __init__(
        self,
        *args,
        settings: dict[str, FactorSetting],
        weights: dict,
        tiers,
        policy: Policy,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.tiers = list(tiers)
        self.initial.update(
            good_from=policy.good_from,
            poor_below=policy.poor_below,
            any_poor_caps=policy.any_poor_caps,
        )
        self.settings = settings
        for factor in FACTOR_ORDER:
            setting = settings[factor.value]
            name = factor.value
            self.fields[f"{name}-active"] = forms.BooleanField(required=False, label=_("Counted"))
            self.fields[f"{name}-good"] = forms.IntegerField(
                label=_("Good"), min_value=-1000, max_value=100000
            )
            self.fields[f"{name}-poor"] = forms.IntegerField(
                label=_("Poor"), min_value=-1000, max_value=100000
            )
            if factor in WINDOWED:
                self.fields[f"{name}-days"] = forms.IntegerField(
                    label=_("Days"), min_value=1, max_value=365
                )
            self.initial.update(
                {
                    f"{name}-active": setting.is_active,
                    f"{name}-good": setting.good,
                    f"{name}-poor": setting.poor,
                    f"{name}-days": setting.window_days,
                }
            )
            for key, tier_weights in self._weight_columns(weights):
                field = f"w-{name}-{key}"
                self.fields[field] = forms.IntegerField(
                    label=_("Weight"), min_value=0, max_value=100
                )
                self.initial[field] = tier_weights[name]

    def _weight_columns(self, weights):
        yield "all", weights[None]
        for tier in self.tiers:
            yield str(tier.pk), weights.get(tier.pk, weights[None])

    def rows(self):
        """(factor label, higher is better, [bound fields]) for the template's table."""
        for factor in FACTOR_ORDER:
            name = factor.value
            fields = [
                self[f"{name}-active"],
                self[f"{name}-good"],
                self[f"{name}-poor"],
                self[f"{name}-days"] if factor in WINDOWED else None,
            ]
            weights = [self[f"w-{name}-all"], *(self[f"w-{name}-{tier.pk}"] for tier in self.tiers)]
            yield factor.label, factor in HIGHER_IS_BETTER, fields, weights

    def clean(self):
        data = super().clean()
        good_from, poor_below = data.get("good_from"), data.get("poor_below")
        if good_from is not None and poor_below is not None and poor_below > good_from:
            self.add_error("poor_below", _("“Poor below” cannot be above “good from”."))
        for factor in FACTOR_ORDER:
            good, poor = data.get(f"{factor.value}-good"), data.get(f"{factor.value}-poor")
            if good is None or poor is None:
                continue
            if factor in HIGHER_IS_BETTER and poor > good:
                self.add_error(
                    f"{factor.value}-poor",
                    _(
                        "For this factor higher is better: the poor threshold cannot be above the good one."
                    ),
                )
            if factor not in HIGHER_IS_BETTER and poor < good:
                self.add_error(
                    f"{factor.value}-poor",
                    _(
                        "For this factor lower is better: the poor threshold cannot be below the good one."
                    ),
                )
        return data

    def factor_values(self) -> dict[str, dict]:
        """{factor: {is_active, good, poor, window_days}} of the cleaned data."""
        data = self.cleaned_data
        return {
            factor.value: {
                "is_active": data[f"{factor.value}-active"],
                "good": data[f"{factor.value}-good"],
                "poor": data[f"{factor.value}-poor"],
                "window_days": data.get(f"{factor.value}-days")
                or self.settings[factor.value].window_days,
            }
            for factor in FACTOR_ORDER
        }

    def weight_values(self) -> dict[int | None, dict[str, int]]:
        """{tier id or None: {factor: weight}} of the cleaned data."""
        data = self.cleaned_data
        table: dict[int | None, dict[str, int]] = {}
        for factor in Factor:
            table.setdefault(None, {})[factor.value] = data[f"w-{factor.value}-all"]
            for tier in self.tiers:
                table.setdefault(tier.pk, {})[factor.value] = data[f"w-{factor.value}-{tier.pk}"]
        return table
