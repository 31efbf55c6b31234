// The live "N / LIMIT" under each text of a new update, as it is typed. Counted as the server
// counts (characters, not UTF-16 units; a line break is one); without this script the page
// still shows the count of what was sent back, and the server still checks the limit.
"use strict";
document.querySelectorAll("textarea[data-count]").forEach(function (area) {
  var shown = document.getElementById(area.dataset.count);
  var limit = Number(area.getAttribute("maxlength"));
  function count() {
    var n = Array.from(area.value.replace(/\r\n/g, "\n")).length;
    shown.textContent = n + " / " + limit;
    shown.classList.toggle("over", n > limit);
  }
  area.addEventListener("input", count);
  count();
});
