// Small behaviours that must not live in inline scripts (the CSP forbids them).
document.addEventListener("submit", (event) => {
  const form = event.target;
  // htmx forms confirm through hx-confirm; plain forms through data-confirm.
  if (form.dataset.confirm && !form.hasAttribute("hx-post") && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener("htmx:afterSwap", (event) => {
  // After an inline form is re-rendered with errors, move focus to the first invalid field.
  const invalid = event.detail.target.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (invalid) invalid.focus();
});
