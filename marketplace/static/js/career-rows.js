// Career rows of the profile form, added and removed in place (progressive enhancement).
// Without JavaScript the form still works: the "add a row" submit button sends the form back with one
// more empty row, and a row whose organisation is left empty is not saved.
(function () {
  "use strict";
  var list = document.querySelector("[data-career-rows]");
  if (!list) {
    return;
  }
  var addButton = document.querySelector("[data-career-add]");
  var status = document.querySelector("[data-career-status]");
  var max = parseInt(list.getAttribute("data-max"), 10) || 10;
  var legendPattern = list.getAttribute("data-legend") || "{n}";
  var removeLabel = list.getAttribute("data-remove-label") || "Remove";
  var PREFIX = /^careers-(\d+)-/;

  function rows() {
    return Array.prototype.slice.call(list.querySelectorAll("[data-career-row]"));
  }

  function indexOf(row) {
    var field = row.querySelector("[name^='careers-']");
    var found = field && PREFIX.exec(field.getAttribute("name"));
    return found ? parseInt(found[1], 10) : 0;
  }

  function say(message) {
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 50);
    }
  }

  function renumber() {
    var all = rows();
    all.forEach(function (row, position) {
      var legend = row.querySelector("legend");
      if (legend) {
        legend.textContent = legendPattern.replace("{n}", String(position + 1));
      }
      var remove = row.querySelector("[data-career-remove]");
      if (remove) {
        remove.setAttribute("aria-label", removeLabel + " (" + legendPattern.replace("{n}", String(position + 1)) + ")");
      }
    });
    if (addButton) {
      addButton.hidden = all.length >= max;
    }
  }

  function retarget(row, from, to) {
    var attributes = ["name", "id", "for", "aria-describedby"];
    row.querySelectorAll("*").forEach(function (element) {
      attributes.forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value) {
          element.setAttribute(attribute, value.split("careers-" + from + "-").join("careers-" + to + "-"));
        }
      });
    });
  }

  function clear(row) {
    row.querySelectorAll("input, textarea").forEach(function (field) {
      if (field.type !== "hidden") {
        field.value = "";
      }
      field.removeAttribute("aria-invalid");
    });
    row.querySelectorAll(".errors").forEach(function (errors) { errors.remove(); });
    row.querySelectorAll(".has-error").forEach(function (field) { field.classList.remove("has-error"); });
  }

  function addRemoveButton(row) {
    if (row.querySelector("[data-career-remove]")) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button small secondary remove-row";
    button.setAttribute("data-career-remove", "");
    button.textContent = removeLabel;
    button.addEventListener("click", function () {
      if (rows().length > 1) {
        row.remove();
      } else {
        clear(row);
      }
      renumber();
      say(list.getAttribute("data-removed-message") || "");
      if (addButton && !addButton.hidden) {
        addButton.focus();
      }
    });
    row.appendChild(button);
  }

  rows().forEach(addRemoveButton);
  renumber();

  if (addButton) {
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var all = rows();
      if (all.length >= max) {
        return;
      }
      var last = all[all.length - 1];
      var next = Math.max.apply(null, all.map(indexOf)) + 1;
      var row = last.cloneNode(true);
      retarget(row, indexOf(last), next);
      clear(row);
      list.appendChild(row);
      var remove = row.querySelector("[data-career-remove]");
      if (remove) {
        remove.remove();
      }
      addRemoveButton(row);
      renumber();
      say(list.getAttribute("data-added-message") || "");
      var first = row.querySelector("input, textarea");
      if (first) {
        first.focus();
      }
    });
  }
})();
