/* Replace each static chart image with the interactive Vega rendering of the same spec.
   The spec is fetched from the chart's .vl.json file (pages stay small); opened from disk, where
   fetch is not allowed, the static SVG simply stays. Runs under a Content-Security-Policy without
   'unsafe-eval': Vega's expression interpreter (ast: true) is used instead of compiled expressions. */
(function () {
  "use strict";
  var locale = { decimal: ".", thousands: ",", grouping: [3], currency: ["", "円"] };
  function render(view) {
    if (typeof window.vegaEmbed !== "function" || typeof window.fetch !== "function") { return; }
    window.fetch(view.getAttribute("data-spec-url")).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (spec) {
      var target = document.createElement("div");
      view.appendChild(target);
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
