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

// The main menu. Its sections are <details> disclosures, usable with the keyboard without this
// script; it keeps one open at a time, closes them on Escape or a click elsewhere, and on
// narrow screens opens and closes the whole menu from its button.
const menuButton = document.querySelector(".menu-button");
const siteMenu = document.getElementById("site-menu");
const dropdowns = () => document.querySelectorAll(".nav-dropdown");

if (menuButton && siteMenu) {
  menuButton.addEventListener("click", () => {
    const open = menuButton.getAttribute("aria-expanded") !== "true";
    menuButton.setAttribute("aria-expanded", String(open));
    siteMenu.classList.toggle("is-open", open);
    if (open) {
      const first = siteMenu.querySelector(".nav-top");
      if (first) first.focus();
    }
  });
}

document.addEventListener("toggle", (event) => {
  const opened = event.target;
  if (!(opened instanceof HTMLDetailsElement) || !opened.classList.contains("nav-dropdown") || !opened.open) return;
  dropdowns().forEach((other) => { if (other !== opened) other.open = false; });
}, true);

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const open = document.querySelector(".nav-dropdown[open]");
  if (open) {
    open.open = false;
    open.querySelector("summary").focus();
  } else if (menuButton && menuButton.getAttribute("aria-expanded") === "true") {
    menuButton.click();
    menuButton.focus();
  }
});

document.addEventListener("click", (event) => {
  dropdowns().forEach((dropdown) => {
    if (dropdown.open && !dropdown.contains(event.target)) dropdown.open = false;
  });
});

document.addEventListener("focusout", (event) => {
  // Tabbing out of an open section closes it, as a click elsewhere does.
  const dropdown = event.target.closest && event.target.closest(".nav-dropdown[open]");
  if (dropdown && event.relatedTarget && !dropdown.contains(event.relatedTarget)) dropdown.open = false;
});
