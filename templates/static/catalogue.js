/* Filter the data catalogue by policy area and topic. Without JavaScript the whole list shows. */
(function () {
  "use strict";
  function start() {
    var form = document.getElementById("catalogue-filter");
    if (!form) { return; }
    var area = document.getElementById("filter-area");
    var topic = document.getElementById("filter-topic");
    var count = document.getElementById("filter-count");
    var items = document.querySelectorAll("li[data-topics]");
    var sections = document.querySelectorAll("section[data-area]");
    function apply() {
      var shown = 0;
      for (var i = 0; i < items.length; i += 1) {
        var item = items[i];
        var topics = item.getAttribute("data-topics").split("|");
        var visible = (!area.value || item.getAttribute("data-area") === area.value) &&
          (!topic.value || topics.indexOf(topic.value) !== -1);
        item.hidden = !visible;
        if (visible) { shown += 1; }
      }
      for (var j = 0; j < sections.length; j += 1) {
        sections[j].hidden = sections[j].querySelectorAll("li[data-topics]:not([hidden])").length === 0;
      }
      count.textContent = shown + "件のデータセット";
    }
    area.addEventListener("change", apply);
    topic.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
