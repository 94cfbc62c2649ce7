// Progressive enhancement of folded filter panels (<details data-open-wide>): on a wide screen, where
// the filters fit beside the results, open them. Without JavaScript they stay folded, results first.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(min-width: 48rem)").matches) {
    return;
  }
  document.querySelectorAll("details[data-open-wide]").forEach(function (panel) {
    panel.open = true;
  });
})();
