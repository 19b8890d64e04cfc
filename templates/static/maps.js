/* Maps that show without JavaScript as <img> become explorable where it runs: the SVG is fetched from the
   site itself, put in place of the image (the same drawing, its style sheet left out), and touching or
   pointing at a government shows its name and value; clicking opens its page. An external script that
   builds nodes and never evaluates text: it runs under the site's strict CSP. The tables on each page say the same for keyboards and
   screen readers. */
(function () {
  "use strict";
  var images = document.querySelectorAll("img.js-map");
  if (!images.length || typeof window.fetch !== "function" || typeof window.DOMParser !== "function") { return; }
  var tip = document.createElement("div");
  tip.className = "lg-tip";
  tip.hidden = true;
  tip.setAttribute("aria-hidden", "true");
  document.body.appendChild(tip);

  function regionOf(target, root) {
    var node = target;
    while (node && node !== root) {
      if (node.getAttribute && node.getAttribute("data-n")) { return node; }
      node = node.parentNode;
    }
    return null;
  }

  function show(region, x, y) {
    var text = region.getAttribute("data-n");
    var value = region.getAttribute("data-v");
    tip.textContent = value ? text + "：" + value : text;
    tip.hidden = false;
    var left = Math.min(x + 12, window.innerWidth - tip.offsetWidth - 4);
    var top = y + 16 + tip.offsetHeight > window.innerHeight ? y - tip.offsetHeight - 8 : y + 16;
    tip.style.left = Math.max(4, left) + "px";
    tip.style.top = Math.max(4, top) + "px";
  }

  function codeOf(region) {
    var code = region.getAttribute("data-c") || (region.id && region.id.charAt(0) === "c" ? region.id.slice(1) : "");
    return /^[0-9]{6}$/.test(code) ? code : "";
  }

  function live(image, text) {
    var parsed = new window.DOMParser().parseFromString(text, "image/svg+xml");
    var svg = parsed.documentElement;
    if (!svg || svg.nodeName.toLowerCase() !== "svg") { return; }
    var sheet = svg.querySelector("style") !== null;
    Array.prototype.forEach.call(svg.querySelectorAll("style, script, foreignObject"), function (node) {
      node.parentNode.removeChild(node);
    });
    var node = document.importNode(svg, true);
    node.setAttribute("class", sheet ? "lg-live lg-live-sheet" : "lg-live");
    node.setAttribute("role", "img");
    node.setAttribute("aria-label", image.getAttribute("alt") || "");
    node.removeAttribute("width");
    node.removeAttribute("height");
    var own = image.getAttribute("data-own");
    if (own) {
      var mine = node.querySelector("#" + own);
      if (mine) { mine.setAttribute("class", "on"); }
    }
    var page = image.getAttribute("data-page") || ""; // a government's page, with {code} (urls.py)
    var touched = null; // on a touch screen, the first tap names the government and the second opens it
    var lastPointer = "mouse";
    node.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType || "mouse"; });
    node.addEventListener("pointermove", function (event) {
      var region = regionOf(event.target, node);
      if (region) { show(region, event.clientX, event.clientY); } else { tip.hidden = true; }
    });
    node.addEventListener("pointerleave", function () { tip.hidden = true; });
    node.addEventListener("click", function (event) {
      var region = regionOf(event.target, node);
      if (!region) { tip.hidden = true; touched = null; return; }
      if (lastPointer !== "mouse" && touched !== region) {
        touched = region;
        show(region, event.clientX, event.clientY);
        return;
      }
      var code = codeOf(region);
      if (code && page) { window.location.href = page.replace("{code}", code); }
    });
    image.parentNode.replaceChild(node, image);
    Array.prototype.forEach.call(document.querySelectorAll(".lg-map-hint"), function (hint) { hint.hidden = false; });
  }

  function enliven(image) {
    var source = image.getAttribute("src").split("#")[0];
    window.fetch(source, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (text) { live(image, text); })
      .catch(function () { /* the image stays: it already shows everything but the tooltips */ });
  }

  // Each image is replaced once it has loaded (so that its own request is never cut short), and the
  // drawing is then read again from the browser's cache.
  Array.prototype.forEach.call(images, function (image) {
    if (image.complete && image.naturalWidth > 0) {
      enliven(image);
    } else {
      image.addEventListener("load", function () { enliven(image); }, { once: true });
    }
  });
})();
