/* Filter the data catalogue by policy area and topic. Without JavaScript the whole list shows.
   A catalogue on one page is filtered in place. A catalogue split over several pages is filtered
   from its JSON index (catalogue.json), so that every page's datasets are searched; the results
   replace the page's list until the filters are cleared. */
(function () {
  "use strict";
  function start() {
    var form = document.getElementById("catalogue-filter");
    if (!form) { return; }
    var area = document.getElementById("filter-area");
    var topic = document.getElementById("filter-topic");
    var count = document.getElementById("filter-count");
    var results = document.getElementById("catalogue-results");
    var own = document.getElementById("catalogue-page");
    var several = Number(form.getAttribute("data-pages")) > 1;
    var index = null;
    var areaTitles = {};
    for (var a = 0; a < area.options.length; a += 1) { areaTitles[area.options[a].value] = area.options[a].text; }

    function matches(itemArea, topics) {
      return (!area.value || itemArea === area.value) && (!topic.value || topics.indexOf(topic.value) !== -1);
    }

    function filterInPlace() {
      var items = document.querySelectorAll("li[data-topics]");
      var sections = document.querySelectorAll("section[data-area]");
      var shown = 0;
      for (var i = 0; i < items.length; i += 1) {
        var visible = matches(items[i].getAttribute("data-area"), items[i].getAttribute("data-topics").split("|"));
        items[i].hidden = !visible;
        if (visible) { shown += 1; }
      }
      for (var j = 0; j < sections.length; j += 1) {
        sections[j].hidden = sections[j].querySelectorAll("li[data-topics]:not([hidden])").length === 0;
      }
      count.textContent = shown + "件のデータセット";
    }

    function element(name, text) {
      var node = document.createElement(name);
      if (text !== undefined) { node.textContent = text; }
      return node;
    }

    function entry(item) {
      var li = element("li");
      var link = element("a", item.title);
      link.href = form.getAttribute("data-dataset").replace("{name}", item.name); // as the page gives it (urls.py)
      li.appendChild(link);
      li.appendChild(document.createTextNode(" "));
      var topics = element("span", item.topics.join("・"));
      topics.className = "topics";
      li.appendChild(topics);
      var list = element("ul");
      item.resources.forEach(function (resource) {
        var row = element("li", resource.title + "（");
        var csv = element("a", "CSV");
        csv.href = resource.csv;
        csv.setAttribute("download", "");
        row.appendChild(csv);
        row.appendChild(document.createTextNode("）"));
        list.appendChild(row);
      });
      li.appendChild(list);
      return li;
    }

    function showResults() {
      var found = index.filter(function (item) { return matches(item.area, item.topics); });
      results.textContent = "";
      var lists = {};
      found.forEach(function (item) {
        if (!lists[item.area]) {
          var section = element("section");
          section.className = "catalogue-area";
          section.appendChild(element("h2", areaTitles[item.area] || item.area));
          lists[item.area] = element("ul");
          lists[item.area].className = "catalogue";
          section.appendChild(lists[item.area]);
          results.appendChild(section);
        }
        lists[item.area].appendChild(entry(item));
      });
      results.hidden = false;
      own.hidden = true;
      count.textContent = "全ページから" + found.length + "件のデータセット";
    }

    function filterAll() {
      if (!area.value && !topic.value) {
        results.hidden = true;
        own.hidden = false;
        count.textContent = "";
        return;
      }
      if (index !== null) { showResults(); return; }
      if (typeof window.fetch !== "function") { filterInPlace(); return; }
      window.fetch(form.getAttribute("data-index")).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      }).then(function (data) {
        index = data;
        showResults();
      }).catch(function () {
        filterInPlace();  /* opened from disk, where fetch is not allowed: this page's datasets only */
        count.textContent += "（このページ内）";
      });
    }

    var apply = several ? filterAll : filterInPlace;
    area.addEventListener("change", apply);
    topic.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
