// The weekly caption's copy buttons: the caption's text to the clipboard, as it is shown.
(() => {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy-caption]");
    if (!button) return;
    const source = document.querySelector(button.dataset.copyCaption);
    if (!source) return;
    const text = source.textContent;
    const done = () => { button.textContent = "✓ " + button.dataset.done; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
      return;
    }
    // Plain http on a LAN has no clipboard API: a selected textarea copies.
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
    done();
  });
})();
