"""Jobs for the tests: they record what ran, fail on request, or report progress."""

from setia.jobs.actions import Failed, report_progress

ran: list = []
hooked: list = []


def remember(value, *, twice=False):
    ran.append(value)
    if twice:
        ran.append(value)


def refuse(reason):
    raise Failed(reason)


def crash():
    raise RuntimeError("boom")


def count_rows(total):
    for done in range(1, total + 1):
        report_progress("read", done, total)


def on_failure(job):
    hooked.append((job.pk, job.state, job.failure_reason))
