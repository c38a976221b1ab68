"""A log filter masks phones, e-mails and tokens in every log line, and puts the request's id on
it."""

import logging
import sys

import pytest
from django.conf import settings

from setia.lib.logs import MaskingFilter, RequestIdFilter, mask, request_id


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # Indonesian phone numbers as typed, stored and URL-encoded in a search.
        ("call 0812-3456-7890 now", "call [phone] now"),
        ("call +62 812 3456 7890", "call [phone]"),
        ("stored +6281234567890", "stored [phone]"),
        ("office (021) 555-1234", "office [phone]"),
        ("GET /customers/?q=0812+3456+7890", "GET /customers/?q=[phone]"),
        ("GET /customers/?q=%2B6281234567890&page=2", "GET /customers/?q=[phone]&page=2"),
        ("raw 81234567890", "raw [phone]"),
        # E-mail addresses keep their domain.
        ("bounce for budi.santoso+promo@tokoku.co.id", "bounce for ***@tokoku.co.id"),
        # Secrets.
        ("Authorization: Bearer EAAGm0PX4ZCpsBAKZC12", "Authorization: Bearer ***"),
        (
            "GET /hook?hub.verify_token=s3cr3t&hub.mode=subscribe",
            "GET /hook?hub.verify_token=***&hub.mode=subscribe",
        ),
        ('{"password": "hunter2"}', '{"password": "***"}'),
        ("X-Hub-Signature-256 sha256=" + "a1" * 32, "X-Hub-Signature-256 sha256=***"),
        ("key " + "0123456789abcdef" * 2, "key ***"),
        (
            "GET /work/feed/eyJ1IjoxLCJrIjoiYWJjIn0:1tX9aB:Zk3hQpL2mN8vR4sT6uW0yX2zA5bC7dE9.ics",
            "GET /work/feed/***.ics",
        ),
        # What is not customer data stays readable.
        (
            "GET /customers/0b5e1c2d-1111-4a2b-8c3d-123456789abc/edit/ 200 in 0.123s",
            "GET /customers/0b5e1c2d-1111-4a2b-8c3d-123456789abc/edit/ 200 in 0.123s",
        ),
        ("import of 12 rows at 2024-05-04 14:30", "import of 12 rows at 2024-05-04 14:30"),
        ("setia.engagement.tasks.send_due_messages", "setia.engagement.tasks.send_due_messages"),
        (
            "/usr/lib/python3/dist-packages/django/core/handlers",
            "/usr/lib/python3/dist-packages/django/core/handlers",
        ),
    ],
)
def test_it_masks_phones_emails_and_secrets(text, masked):
    assert mask(text) == masked


def _record(msg, args=(), exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("setia", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_it_masks_the_arguments_and_keeps_number_formats():
    record = _record("sent %d messages to %s (%s)", (3, "0812-3456-7890", "ani@example.com"))

    assert MaskingFilter().filter(record) is True
    assert record.getMessage() == "sent 3 messages to [phone] (***@example.com)"


def test_it_masks_the_traceback():
    try:
        raise ValueError("no customer with phone 081234567890")
    except ValueError:
        record = _record("import failed", exc_info=sys.exc_info())

    MaskingFilter().filter(record)
    text = logging.Formatter("%(message)s").format(record)

    assert "081234567890" not in text
    assert "ValueError: no customer with phone [phone]" in text


def test_it_puts_the_current_request_id_on_every_record():
    token = request_id.set("abc12345")
    try:
        inside = _record("inside")
        RequestIdFilter().filter(inside)
    finally:
        request_id.reset(token)
    outside = _record("outside")
    RequestIdFilter().filter(outside)

    assert (inside.request_id, outside.request_id) == ("abc12345", "-")


def test_it_logs_every_line_with_the_request_id_and_masked():
    handlers = settings.LOGGING["handlers"]
    formats = [formatter["format"] for formatter in settings.LOGGING["formatters"].values()]

    assert {name: tuple(handler["filters"]) for name, handler in handlers.items()} == (
        dict.fromkeys(handlers, ("request_id", "mask"))
    )
    assert all("[%(request_id)s]" in text for text in formats)
    assert {
        name: logger["handlers"]
        for name, logger in settings.LOGGING["loggers"].items()
        if "handlers" in logger
    } == {"django": ["console"], "django.server": ["console"]}
