from django.urls import path

from setia.surveys import public

app_name = "survey-public"

urlpatterns = [
    # The public survey page of a signed invitation link: short, as it goes in WhatsApp.
    path("<str:token>/", public.answer_page, name="answer"),
]
