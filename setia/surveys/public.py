"""The public survey page, `/s/<token>/`: no login, made for phones, nothing from outside the
site, rate-limited per client address. In the invitation's language, with a switch to the
other one (`?lang=`). A link that does not open the survey (tampered, another customer's,
expired, answered) gets a page saying so and a 4xx, and writes nothing."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from setia.lib.dates import now
from setia.lib.ratelimits import rate_limited
from setia.surveys import actions, links
from setia.surveys.forms import AnswerForm
from setia.surveys.models import Language

REFUSAL_STATUS = {
    links.Refusal.INVALID: 404,
    links.Refusal.EXPIRED: 410,
    links.Refusal.ANSWERED: 410,
}


def _language(request: HttpRequest, invitation) -> str:
    wanted = request.GET.get("lang", "")
    if wanted in Language.values:
        return wanted
    return invitation.language if invitation is not None else Language.INDONESIAN


@require_http_methods(["GET", "POST"])
@rate_limited("survey", rate_setting="RATE_LIMIT_SURVEY", key="ip")
def answer_page(request: HttpRequest, token: str) -> HttpResponse:
    invitation, refusal = links.invitation_for(token, now())
    language = _language(request, invitation)
    context: dict = {"language": language, "token": token, "languages": Language.choices}
    with translation.override(language):
        if refusal is not None or invitation is None:
            context["refusal"] = (refusal or links.Refusal.INVALID).value
            return render(
                request,
                "surveys/refused.html",
                context,
                status=REFUSAL_STATUS[refusal or links.Refusal.INVALID],
            )
        survey = invitation.survey
        form = AnswerForm(request.POST or None, survey=survey)
        context |= {
            "form": form,
            "survey": survey,
            "question": survey.question_in(language),
            "why": survey.why_in(language),
            "low": survey.scale[0],
            "high": survey.scale[-1],
        }
        if request.method == "POST":
            if not form.is_valid():
                return render(request, "surveys/answer.html", context, status=400)
            try:
                actions.answer(
                    invitation=invitation,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            except actions.AlreadyAnswered:
                context["refusal"] = links.Refusal.ANSWERED.value
                return render(request, "surveys/refused.html", context, status=410)
            return render(request, "surveys/thanks.html", context)
        return render(request, "surveys/answer.html", context)
