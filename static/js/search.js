// The global search box: "/" focuses it (unless the user is typing in a field), the arrow
// keys move through the results htmx put under it, Enter follows the chosen one, Escape
// closes the list. Without this script the box is a plain form to the /search/ page.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function setup() {
    var form = document.querySelector("[data-global-search]");
    if (!form) return;
    var input = form.querySelector("input[name=q]");
    var box = form.querySelector(".global-search-results");
    var active = -1;

    function links() {
      return Array.prototype.slice.call(box.querySelectorAll("a.search-result"));
    }
    function mark(index) {
      var all = links();
      all.forEach(function (link) { link.classList.remove("is-active"); link.removeAttribute("aria-selected"); });
      active = index;
      if (index >= 0 && index < all.length) {
        all[index].classList.add("is-active");
        all[index].setAttribute("aria-selected", "true");
        all[index].scrollIntoView({ block: "nearest" });
      }
    }
    function close() {
      box.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      active = -1;
    }

    document.addEventListener("keydown", function (event) {
      if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) {
        event.preventDefault();
        input.focus();
        input.select();
      }
    });
    box.addEventListener("htmx:afterSwap", function () {
      active = -1;
      input.setAttribute("aria-expanded", links().length ? "true" : "false");
    });
    form.addEventListener("keydown", function (event) {
      var all = links();
      if (event.key === "ArrowDown" && all.length) {
        event.preventDefault();
        mark(Math.min(active + 1, all.length - 1));
      } else if (event.key === "ArrowUp" && all.length) {
        event.preventDefault();
        mark(Math.max(active - 1, -1));
        if (active === -1) input.focus();
      } else if (event.key === "Enter" && active >= 0 && all[active]) {
        event.preventDefault();
        window.location.assign(all[active].href);
      } else if (event.key === "Escape") {
        close();
        input.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) close();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
