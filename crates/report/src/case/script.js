// Progressive enhancement only: a filter box above long tables.
(function () {
  "use strict";
  var tables = document.querySelectorAll("table[data-filter]");
  Array.prototype.forEach.call(tables, function (table) {
    var body = table.tBodies[0];
    if (!body || body.rows.length < 8) {
      return;
    }
    var box = table.closest(".scroll") || table;
    var input = document.createElement("input");
    input.type = "search";
    input.className = "filter";
    input.placeholder = "Filter " + body.rows.length + " rows\u2026";
    input.setAttribute("aria-label", "Filter the rows of this table");
    box.parentNode.insertBefore(input, box);
    var rows = Array.prototype.slice.call(body.rows);
    var text = rows.map(function (row) {
      return row.textContent.toLowerCase();
    });
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      rows.forEach(function (row, i) {
        row.hidden = q !== "" && text[i].indexOf(q) < 0;
      });
    });
  });
})();
