"""The surveys report (placeholder until written)."""

from django.http import HttpResponse


def report(request):
    return HttpResponse("")
