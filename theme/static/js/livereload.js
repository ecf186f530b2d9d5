/* Live preview (`newsroom serve` builds only; never in published pages).
   Polls the server's build state, reloads the page when a rebuild finishes,
   and shows the build's errors and warnings over the page. */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-build-url");
  if (!url || !window.fetch || !window.JSON) { return; }
  var seen = null;
  var delay = 1000;
  var overlay = null;
  var badge = null;
  var dismissed = null;

  function el(tag, text, css) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (css) { node.style.cssText = css; }
    return node;
  }

  function showBadge(building) {
    if (!building) {
      if (badge) { badge.remove(); badge = null; }
      return;
    }
    if (badge) { return; }
    badge = el("div", "Rebuilding…", "position:fixed;inset-block-start:.5rem;inset-inline-end:.5rem;" +
      "z-index:2147483647;background:#1b1e23;color:#fff;padding:.3rem .7rem;border-radius:4px;" +
      "font:600 .9rem/1.4 system-ui,sans-serif");
    badge.setAttribute("role", "status");
    document.body.appendChild(badge);
  }

  function showProblems(state) {
    var lines = [];
    if (state.failure) { lines.push(state.failure); }
    lines = lines.concat(state.errors || []);
    var warnings = state.warnings || [];
    var key = state.build;
    if (overlay) { overlay.remove(); overlay = null; }
    if ((!lines.length && !warnings.length) || dismissed === key) { return; }
    overlay = el("section", null, "position:fixed;inset-inline:0;inset-block-end:0;max-height:60vh;" +
      "overflow:auto;z-index:2147483646;background:#fff;color:#1b1e23;border-block-start:4px solid " +
      (lines.length ? "#b00020" : "#8a5a00") + ";box-shadow:0 -4px 16px rgba(0,0,0,.25);" +
      "padding:1rem 1.25rem;font:.95rem/1.5 system-ui,sans-serif");
    overlay.setAttribute("role", "alert");
    overlay.setAttribute("aria-label", "Build problems");
    overlay.lang = "en";
    overlay.dir = "ltr";
    var title = state.failure ? "The build failed (the previous version of the site is shown)"
      : lines.length ? "Build errors" : "Build warnings";
    overlay.appendChild(el("h2", title, "margin:0 0 .5rem;font-size:1.1rem;color:" +
      (lines.length ? "#b00020" : "#8a5a00")));
    function list(items, color) {
      var ul = el("ul", null, "margin:0 0 .75rem;padding-inline-start:1.25rem");
      items.forEach(function (text) {
        ul.appendChild(el("li", text, "white-space:pre-wrap;font-family:ui-monospace,monospace;" +
          "font-size:.85rem;color:" + color));
      });
      overlay.appendChild(ul);
    }
    if (lines.length) { list(lines, "#1b1e23"); }
    if (warnings.length) {
      if (lines.length) { overlay.appendChild(el("h3", "Warnings", "margin:.5rem 0;font-size:1rem")); }
      list(warnings, "#4f5661");
    }
    var close = el("button", "Close", "font:inherit;padding:.25rem .75rem;cursor:pointer");
    close.type = "button";
    close.addEventListener("click", function () {
      dismissed = key;
      if (overlay) { overlay.remove(); overlay = null; }
    });
    overlay.appendChild(close);
    document.body.appendChild(overlay);
  }

  function poll() {
    fetch(url, { cache: "no-store" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (state) {
      delay = 1000;
      if (seen === null) {
        seen = state.build;
      } else if (state.build !== seen) {
        window.location.reload();
        return;
      }
      showBadge(state.building);
      if (state.build > 0) { showProblems(state); }
      window.setTimeout(poll, delay);
    }).catch(function () {
      /* server stopped or restarting: keep trying, more slowly */
      delay = Math.min(delay * 2, 10000);
      window.setTimeout(poll, delay);
    });
  }
  poll();
}());
