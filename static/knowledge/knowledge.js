// Agreed answers: copy one, or insert it into the message being written; either counts a use.
// A delegated listener, so that suggestions swapped in by htmx work without binding again.
(() => {
  const csrfToken = () => {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    const cookie = document.cookie.split("; ").find((row) => row.startsWith("csrftoken="));
    return cookie ? decodeURIComponent(cookie.split("=")[1]) : "";
  };
  const countUse = (url) => {
    if (!url) return;
    fetch(url, { method: "POST", headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin" });
  };
  const textOf = (selector) => {
    const source = document.querySelector(selector);
    // innerText keeps the line breaks that linebreaksbr turned into <br>.
    return source ? source.innerText.trim() : "";
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy], [data-insert]");
    if (!button) return;
    if (button.dataset.copy) {
      const text = textOf(button.dataset.copy);
      const done = () => { button.dataset.label = button.dataset.label || button.textContent; button.textContent = "✓ " + button.dataset.label; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {
        // Plain http on a LAN: the clipboard API is unavailable, a selected textarea copies.
        const area = document.createElement("textarea");
        area.value = text;
        document.body.appendChild(area);
        area.select();
        document.execCommand("copy");
        area.remove();
        done();
      }
      countUse(button.dataset.used);
      return;
    }
    const target = document.querySelector(button.dataset.into);
    if (!target) return;
    const text = textOf(button.dataset.insert);
    target.value = target.value.trim() ? target.value.trimEnd() + "\n\n" + text : text;
    // The compose form previews on input: let it know the message changed.
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.focus();
    countUse(button.dataset.used);
  });
})();
