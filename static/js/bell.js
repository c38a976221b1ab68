// The notification bell: htmx loads the newest notifications under it on click; this script
// says whether the list is open (aria-expanded), closes it on a second click, Escape or a click
// elsewhere, and moves through it with the arrow keys. Without JavaScript the bell is a plain
// link to the notifications page.
(function () {
  "use strict";

  function setup() {
    var bell = document.querySelector("[data-bell]");
    if (!bell) return;
    var button = bell.querySelector(".bell-button");
    var box = bell.querySelector(".bell-menu");

    function items() {
      return Array.prototype.slice.call(box.querySelectorAll("button, a"));
    }
    function close(refocus) {
      box.innerHTML = "";
      button.setAttribute("aria-expanded", "false");
      if (refocus) button.focus();
    }
    button.addEventListener("htmx:beforeRequest", function (event) {
      if (button.getAttribute("aria-expanded") === "true") {
        event.preventDefault();
        close(false);
      }
    });
    box.addEventListener("htmx:afterSwap", function () {
      button.setAttribute("aria-expanded", "true");
      var first = items()[0];
      if (first) first.focus();
    });
    bell.addEventListener("keydown", function (event) {
      var all = items();
      var index = all.indexOf(document.activeElement);
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        event.preventDefault();
        close(true);
      } else if (event.key === "ArrowDown" && all.length) {
        event.preventDefault();
        all[Math.min(index + 1, all.length - 1)].focus();
      } else if (event.key === "ArrowUp" && all.length) {
        event.preventDefault();
        if (index <= 0) button.focus();
        else all[index - 1].focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!bell.contains(event.target) && button.getAttribute("aria-expanded") === "true") close(false);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
