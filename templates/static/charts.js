/* Replace each static chart image with the interactive Vega rendering of the same spec.
   The spec is fetched from the chart's .vl.json file (pages stay small): on a narrow screen (the same media
   query as the page's <picture>) the narrow layout's spec, whose labels are wrapped for a phone. Either way
   the chart takes the width of its container, so its text is drawn at its own size, never scaled down.
   Opened from disk, where fetch is not allowed, the static SVG simply stays. Runs under a
   Content-Security-Policy without 'unsafe-eval': Vega's expression interpreter (ast: true) is used instead
   of compiled expressions. */
(function () {
  "use strict";
  var locale = { decimal: ".", thousands: ",", grouping: [3], currency: ["", "円"] };
  function specUrl(view) {
    var media = view.getAttribute("data-narrow-media");
    var narrow = view.getAttribute("data-narrow-spec-url");
    if (media && narrow && window.matchMedia && window.matchMedia(media).matches) { return narrow; }
    return view.getAttribute("data-spec-url");
  }
  function render(view) {
    if (typeof window.vegaEmbed !== "function" || typeof window.fetch !== "function") { return; }
    window.fetch(specUrl(view)).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (spec) {
      var target = document.createElement("div");
      target.className = "chart-interactive";
      view.appendChild(target);
      spec.width = "container";
      spec.autosize = { type: "fit-x", contains: "padding", resize: true };
      return window.vegaEmbed(target, spec, {
        renderer: "svg", actions: false, ast: true, defaultStyle: false, formatLocale: locale
      }).then(function () {
        view.classList.add("is-interactive");
      }, function (error) {
        view.removeChild(target);
        throw error;
      });
    }).catch(function (error) {
      if (window.console) { window.console.info("chart left static:", error.message || error); }
    });
  }
  function start() {
    var views = document.querySelectorAll("[data-spec-url]");
    for (var i = 0; i < views.length; i += 1) { render(views[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
