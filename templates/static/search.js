/* Find a local government by name (kanji, hiragana, katakana, half-width kana) or code, offline, from the
   static index local-governments/index.json. No inline script, no eval: runs under the site's strict CSP.
   Without JavaScript the search box stays hidden and the page lists the prefectures. */
(function () {
  "use strict";
  var LIMIT = 50;
  var block = document.getElementById("lg-search");
  var input = document.getElementById("lg-query");
  var status = document.getElementById("lg-status");
  var list = document.getElementById("lg-results");
  if (!block || !input || !status || !list || typeof window.fetch !== "function") { return; }
  var entries = null;
  var loading = null;
  var timer = null;

  /* One spelling for comparison: NFKC (half-width kana, full-width digits), katakana as hiragana,
     small/large ケ and ヶ alike, no spaces. */
  function fold(text) {
    var s = String(text).normalize("NFKC").toLowerCase().replace(/\s+/g, "");
    s = s.replace(/[ヶヵ]/g, function (c) { return c === "ヶ" ? "ケ" : "カ"; });
    s = s.replace(/[\u30a1-\u30f6]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0x60); });
    return s;
  }

  function load() {
    if (!loading) {
      loading = window.fetch(input.getAttribute("data-index"), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (index) {
          entries = index.rows.map(function (row) {
            return { row: row, name: fold(row[1]), kana: fold(row[2]), full: fold(row[3] + row[1]) };
          });
        });
    }
    return loading;
  }

  function score(entry, query) {
    if (entry.row[0].indexOf(query) === 0) { return 1; }
    if (entry.name === query || entry.kana === query) { return 0; }
    if (entry.name.indexOf(query) === 0 || entry.kana.indexOf(query) === 0) { return 2; }
    if (entry.name.indexOf(query) >= 0 || entry.kana.indexOf(query) >= 0) { return 3; }
    if (entry.full.indexOf(query) >= 0) { return 4; }
    return -1;
  }

  function show(query) {
    list.textContent = "";
    if (!query) { status.textContent = ""; return; }
    var found = [];
    for (var i = 0; i < entries.length; i += 1) {
      var s = score(entries[i], query);
      if (s >= 0) { found.push({ score: s, order: i, entry: entries[i] }); }
    }
    found.sort(function (a, b) { return a.score - b.score || a.order - b.order; });
    status.textContent = found.length === 0 ? "該当する団体はありません。"
      : found.length > LIMIT ? found.length + "件のうち先頭の" + LIMIT + "件を表示しています。"
      : found.length + "件";
    found.slice(0, LIMIT).forEach(function (item) {
      var row = item.entry.row;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = input.getAttribute("data-page").replace("{code}", row[0]); // the address as the page gives it (urls.py)
      a.textContent = row[1];
      li.appendChild(a);
      li.appendChild(document.createTextNode("（" + row[2] + "・" + (row[4] === "都道府県" ? row[4] : row[3] + "・" + row[4]) + "）"));
      list.appendChild(li);
    });
  }

  function update() {
    var query = fold(input.value);
    if (entries) { show(query); return; }
    status.textContent = "読み込み中…";
    load().then(function () { show(fold(input.value)); }).catch(function () {
      status.textContent = "検索用のデータを読み込めませんでした（ファイルとして直接開いた場合など）。下の都道府県の一覧から探してください。";
    });
  }

  block.hidden = false;
  input.addEventListener("focus", function () { load().catch(function () { return null; }); });
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 120);
  });
}());
