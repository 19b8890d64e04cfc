/* Replace each static chart image with the interactive Vega rendering of the same spec.
   Runs under a Content-Security-Policy without 'unsafe-eval': Vega's expression interpreter
   (ast: true) is used instead of compiled expressions. Without JavaScript the SVG image stays. */
(function () {
  "use strict";
  var locale = { decimal: ".", thousands: ",", grouping: [3], currency: ["", "円"] };
  function render(view) {
    var data = document.getElementById(view.getAttribute("data-spec"));
    if (!data || typeof window.vegaEmbed !== "function") { return; }
    var spec = JSON.parse(data.textContent);
    var target = document.createElement("div");
    view.appendChild(target);
    window.vegaEmbed(target, spec, {
      renderer: "svg", actions: false, ast: true, defaultStyle: false, formatLocale: locale
    }).then(function () {
      view.classList.add("is-interactive");
    }).catch(function (error) {
      view.removeChild(target);
      if (window.console) { window.console.warn("chart left static:", error); }
    });
  }
  function start() {
    var views = document.querySelectorAll("[data-spec]");
    for (var i = 0; i < views.length; i += 1) { render(views[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
