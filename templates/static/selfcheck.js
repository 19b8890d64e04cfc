/* The self-assessment (自己点検): choose a government, answer each item, see the source's figures and the
   nearest peers beside the answers, and save the answers as a CSV in the drop-in schema. Everything
   happens in this page: the only request is for the site's own list of governments (data.json), and the
   CSV is made in the browser. An external script that builds nodes and never evaluates text (the site's
   strict CSP). */
(function () {
  "use strict";
  var app = document.getElementById("sc-app");
  if (!app || typeof window.fetch !== "function" || typeof window.Blob !== "function" || !window.URL) { return; }
  var say = function (name) { return app.getAttribute("data-" + name) || ""; };
  var prefSelect = document.getElementById("sc-pref");
  var govSelect = document.getElementById("sc-gov");
  var year = document.getElementById("sc-year");
  var source = document.getElementById("sc-source");
  var status = document.getElementById("sc-status");
  var preview = document.getElementById("sc-preview");
  var about = document.getElementById("sc-about");
  var summary = document.getElementById("sc-summary");
  var peersList = document.getElementById("sc-peers");
  var items = Array.prototype.slice.call(app.querySelectorAll("fieldset.sc-item"));
  var data = null;
  var sourceEdited = false;

  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function fiscalYear() {
    var d = new Date();
    return d.getMonth() >= 3 ? d.getFullYear() : d.getFullYear() - 1;
  }

  function number(value, unit, digits) {
    if (value === null || value === undefined) { return say("no-data"); }
    var text = digits ? Number(value).toFixed(digits) : Number(value).toLocaleString("ja-JP");
    return text + (unit || "");
  }

  function government(code) { return data && data.governments[code] ? data.governments[code] : null; }

  function fillGovernments(prefCode, selected) {
    while (govSelect.firstChild) { govSelect.removeChild(govSelect.firstChild); }
    var first = document.createElement("option");
    first.value = "";
    first.textContent = "（" + say("none") + "）";
    govSelect.appendChild(first);
    Object.keys(data.governments).sort().forEach(function (code) {
      if (code.slice(0, 2) !== prefCode) { return; }
      var option = document.createElement("option");
      option.value = code;
      option.textContent = data.governments[code][0] + "（" + data.governments[code][2] + "）";
      govSelect.appendChild(option);
    });
    govSelect.disabled = !prefCode;
    govSelect.value = selected || "";
  }

  function card(code, own) {
    var g = government(code);
    var item = document.createElement("li");
    item.className = own ? "lg-card lg-own" : "lg-card";
    var name = document.createElement("p");
    name.className = "lg-card-name";
    if (own) {
      name.textContent = g[0];
    } else {
      var link = document.createElement("a");
      link.href = say("page").replace("{code}", code); // the address as the page gives it (urls.py)
      link.textContent = g[0];
      name.appendChild(link);
      var pref = document.createElement("span");
      pref.className = "lg-card-pref";
      pref.textContent = g[1];
      name.appendChild(pref);
    }
    item.appendChild(name);
    var list = document.createElement("dl");
    [[say("population"), number(g[3], say("person"))], [say("fiscal"), number(g[4], "", 2)]].forEach(function (pair) {
      var term = document.createElement("dt");
      term.textContent = pair[0];
      var value = document.createElement("dd");
      value.textContent = pair[1];
      list.appendChild(term);
      list.appendChild(value);
    });
    item.appendChild(list);
    return item;
  }

  function choose(code) {
    var g = government(code);
    about.hidden = !g;
    while (peersList.firstChild) { peersList.removeChild(peersList.firstChild); }
    if (!g) { update(); return; }
    summary.textContent = g[0] + "（" + g[1] + "・" + g[2] + "）";
    peersList.appendChild(card(code, true));
    g[6].forEach(function (peer) { if (government(peer)) { peersList.appendChild(card(peer, false)); } });
    var prefecture = g[2] === "都道府県";
    items.forEach(function (fieldset) {
      Array.prototype.forEach.call(fieldset.querySelectorAll("li[data-applies]"), function (line) {
        var applies = line.getAttribute("data-applies");
        var group = line.getAttribute("data-group");
        var fits = applies === "すべて" || (applies === "都道府県") === prefecture;
        line.hidden = !fits || (group !== "" && g[5].indexOf(group) < 0);
      });
    });
    if (!sourceEdited) { source.value = g[0] + say("source-suffix") + today() + say("source-end"); }
    update();
  }

  function quote(value) {
    var text = String(value);
    return /[",\r\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }

  function rows() {
    var code = govSelect.value;
    if (!government(code)) { return []; }
    var out = [];
    items.forEach(function (fieldset) {
      var checked = fieldset.querySelector("input[type=radio]:checked");
      if (checked && checked.value) {
        out.push([code, year.value, fieldset.getAttribute("data-item"), checked.value, source.value.trim()]);
      }
    });
    return out;
  }

  function csv() {
    return [data.fields].concat(rows()).map(function (row) { return row.map(quote).join(","); }).join("\n") + "\n";
  }

  function update() {
    if (!data) { return; }
    preview.textContent = csv();
    status.textContent = "";
  }

  function download() {
    if (!rows().length) { status.textContent = say("empty"); return; }
    if (!/^[0-9]{4}$/.test(year.value)) { status.textContent = say("bad-year"); year.focus(); return; }
    var blob = new Blob([csv()], { type: "text/csv;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    var name = "self-check-" + govSelect.value + "-" + year.value + ".csv";
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    status.textContent = say("saved") + name;
  }

  window.fetch(app.getAttribute("data-src"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (loaded) {
      data = loaded;
      app.hidden = false;
      var hint = document.getElementById("sc-nojs");
      if (hint) { hint.hidden = true; }
      year.value = String(fiscalYear());
      prefSelect.addEventListener("change", function () { fillGovernments(prefSelect.value, ""); choose(""); });
      govSelect.addEventListener("change", function () { choose(govSelect.value); });
      source.addEventListener("input", function () { sourceEdited = true; update(); });
      year.addEventListener("input", update);
      app.addEventListener("change", update);
      document.getElementById("sc-download").addEventListener("click", download);
      var wanted = (window.location.search.match(/[?&]code=([0-9]{6})(?:&|$)/) || [])[1];
      if (wanted && government(wanted)) {
        prefSelect.value = wanted.slice(0, 2);
        fillGovernments(wanted.slice(0, 2), wanted);
        choose(wanted);
      } else {
        update();
      }
    })
    .catch(function () {
      var hint = document.getElementById("sc-nojs");
      if (hint) { hint.textContent = say("failed"); }
    });
})();
