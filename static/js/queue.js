/* Chehui queue: "select every ticket on this page" for bulk assignment. Works without it, too. */
(function () {
  "use strict";
  var all = document.querySelector("[data-select-all]");
  if (!all) return;
  var boxes = function () {
    return Array.prototype.slice.call(document.querySelectorAll('table.queue tbody input[type="checkbox"][name="ticket"]'));
  };
  var sync = function () {
    var list = boxes();
    var checked = list.filter(function (b) { return b.checked; }).length;
    all.checked = list.length > 0 && checked === list.length;
    all.indeterminate = checked > 0 && checked < list.length;
  };
  all.addEventListener("change", function () {
    boxes().forEach(function (b) { b.checked = all.checked; });
    sync();
  });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.name === "ticket") sync();
  });
  sync();
})();
