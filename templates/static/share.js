/* Copying a chart's address, its embedding code and a dataset's citation (issue 15).
   Without JavaScript the address and the code are text to select and copy by hand. With it:
   - opening 「リンク」 or 「埋め込み」 under a chart copies what it shows;
   - a button beside a citation copies it;
   - where the build did not know the site's address (no --base-url), the chart's address and the embedding
     code are completed from the address the page was opened at.
   The words shown after copying live in the page (data-copied, data-selected), not here. */
(function () {
  "use strict";
  function siteRoot(link) {
    // The link's resolved address, less the chart page's path from the site's top, is the site's top.
    var path = link.getAttribute("data-site-path");
    var href = link.href;
    if (!path || href.slice(-path.length) !== path) { return null; }
    return href.slice(0, href.length - path.length);
  }
  function complete(share) {
    var link = share.querySelector("a.share-text");
    var code = share.querySelector("textarea.share-text");
    var hints = share.querySelectorAll(".share-hint");
    if (!link || !hints.length || !/^https?:$/.test(window.location.protocol)) { return; }
    var root = siteRoot(link);
    if (!root) { return; }
    link.textContent = link.href;
    if (code) {
      var relative = code.getAttribute("data-relative-src");
      code.value = code.value.split('src="' + relative + '"').join('src="' + root + code.getAttribute("data-site-path") + '"');
    }
    for (var i = 0; i < hints.length; i += 1) { hints[i].hidden = true; }
  }
  function say(container, status, key) {
    if (status) { status.textContent = container.getAttribute(key) || ""; }
  }
  function select(element) {
    if (element.select) { element.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function copy(text, element, container, status) {
    function fallback() { select(element); say(container, status, "data-selected"); }
    if (!navigator.clipboard || !window.isSecureContext) { fallback(); return; }
    navigator.clipboard.writeText(text).then(function () { say(container, status, "data-copied"); }, fallback);
  }
  function textOf(element) {
    return element.value !== undefined && element.tagName === "TEXTAREA" ? element.value : element.textContent;
  }
  function completeCitations() {
    // A citation names the page it is on: without the site's address from the build, this page's own address.
    if (!/^https?:$/.test(window.location.protocol)) { return; }
    var here = window.location.href.split("#")[0].split("?")[0];
    var spans = document.querySelectorAll("[data-page-address]");
    for (var i = 0; i < spans.length; i += 1) {
      if (!/^https?:/.test(spans[i].textContent)) { spans[i].textContent = here; }
    }
  }
  function start() {
    completeCitations();
    var shares = document.querySelectorAll(".chart-share");
    for (var i = 0; i < shares.length; i += 1) {
      complete(shares[i]);
      var panels = shares[i].querySelectorAll("details.share");
      for (var j = 0; j < panels.length; j += 1) {
        panels[j].addEventListener("toggle", function (event) {
          var panel = event.currentTarget;
          if (!panel.open) { return; }
          var target = panel.querySelector(".share-text");
          copy(textOf(target).trim(), target, panel.closest(".chart-share"), panel.querySelector(".share-status"));
        });
      }
    }
    var buttons = document.querySelectorAll("button[data-copy-target]");
    for (var k = 0; k < buttons.length; k += 1) {
      buttons[k].hidden = false;
      buttons[k].addEventListener("click", function (event) {
        var button = event.currentTarget;
        var target = document.getElementById(button.getAttribute("data-copy-target"));
        var status = document.getElementById(button.getAttribute("data-status"));
        if (target) { copy(textOf(target).trim(), target, button, status); }
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
