"""What the app writes on a timeline, read in the reader's language.

An event that the app generates (a playbook started, an import, a task's step) keeps typed
parameters in its `data` — ISO dates, numbers, choice values — and its text is made when the
page is read, by the renderer registered for the event's `source_type` (the label of the row
the event is about). The app that owns that row registers its renderer when it is ready, so
this app knows none of them. `summary`, the text written at the time, stays as the fallback
(and for search): an event without a renderer, or whose renderer cannot read its data (rows
written before the data held the parameters), shows it unchanged.

A renderer takes the event's data and its summary and returns the text, or None for the
fallback. It must not query the database: a page shows many events.
"""

from collections.abc import Callable

Renderer = Callable[[dict, str], str | None]

_RENDERERS: dict[str, Renderer] = {}


def register(source_type: str) -> Callable[[Renderer], Renderer]:
    """Decorator: render the events about rows of `source_type` (`app_label.model`) with the
    decorated function. One renderer per source type."""

    def decorate(renderer: Renderer) -> Renderer:
        _RENDERERS[source_type] = renderer
        return renderer

    return decorate


def render(source_type: str, data: dict, summary: str) -> str:
    """The text of an event in the active language: its renderer's, else `summary`."""
    renderer = _RENDERERS.get(source_type)
    if renderer is not None:
        try:
            text = renderer(data, summary)
        except (KeyError, TypeError, ValueError):
            # Data written by older code, without what the renderer needs.
            text = None
        if text:
            return text
    return summary
