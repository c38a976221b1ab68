// Drag a card on the onboarding board to another stage. The same move is posted as the card's
// keyboard form does (select + Move), through htmx, which swaps the board in place.
(function () {
  "use strict";
  let dragged = null;
  document.addEventListener("dragstart", function (event) {
    const card = event.target.closest && event.target.closest(".pipeline-card[draggable]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.customer);
  });
  document.addEventListener("dragover", function (event) {
    if (dragged && event.target.closest(".pipeline-column")) event.preventDefault();
  });
  document.addEventListener("drop", function (event) {
    const column = event.target.closest(".pipeline-column");
    if (!dragged || !column) return;
    event.preventDefault();
    const url = dragged.dataset.moveUrl;
    dragged = null;
    window.htmx.ajax("POST", url, {
      target: "#board",
      swap: "outerHTML",
      values: { stage: column.dataset.stage },
    });
  });
  document.addEventListener("dragend", function () { dragged = null; });
})();
