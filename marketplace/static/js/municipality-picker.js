// Narrows a municipality <select> to the chosen prefecture.
// Pairs are found by id: *prefecture* → *municipality* within the same form.
(function () {
  "use strict";
  function wire(prefSelect, muniSelect) {
    prefSelect.addEventListener("change", function () {
      var code = prefSelect.value;
      var keep = muniSelect.options.length ? muniSelect.options[0].cloneNode(true) : null;
      muniSelect.innerHTML = "";
      if (keep) { keep.value = ""; muniSelect.appendChild(keep); }
      if (!code) { return; }
      fetch("/reference/municipalities?prefecture=" + encodeURIComponent(code), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          items.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.code;
            option.textContent = item.name;
            muniSelect.appendChild(option);
          });
        });
    });
  }
  document.querySelectorAll("form").forEach(function (form) {
    var pref = form.querySelector("select[id$='prefecture'], select[id$='prefecture_code']");
    var muni = form.querySelector("select[id$='municipality'], select[id$='municipality_code']");
    if (pref && muni) { wire(pref, muni); }
  });
})();
