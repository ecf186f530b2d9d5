// The kit's set-up of Decap CMS: the "pelican" format, the problem notice widget,
// the site's CSS in the preview pane, a link to the translation status, then init.
(function () {
  "use strict";
  const CMS = window.CMS;
  const h = window.h;
  const format = window.PelicanFormat;

  CMS.registerCustomFormat("pelican", "md", { fromFile: format.fromFile, toFile: format.toFile });

  // A file the format cannot edit safely: its message, in place of the form's first field.
  const Problem = window.createClass({
    render: function () {
      const value = this.props.value;
      if (!value) {
        return h("span", { "data-pelican-problem": "none", style: { color: "#555" } },
                 "Read in the kit's format; saving changes only the lines you edit.");
      }
      return h("div", {
        role: "alert", "data-pelican-problem": "shown",
        style: { background: "#fde8e8", color: "#7a1010", border: "2px solid #b42318",
                 borderRadius: "4px", padding: "12px", fontWeight: "600" },
      }, value);
    },
  });
  CMS.registerWidget("pelican-problem", Problem, function () { return h("span"); });

  function siteStyles() {
    // The stylesheets the built site's pages use (their names are fingerprinted).
    return fetch("/", { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : ""))
      .then((html) => {
        const doc = new DOMParser().parseFromString(html, "text/html");
        return Array.from(doc.querySelectorAll('link[rel~="stylesheet"]'))
          .map((l) => l.getAttribute("href")).filter((href) => href && href.startsWith("/"));
      })
      .catch(() => []);
  }

  Promise.all([fetch("config.yml").then((r) => r.json()), siteStyles()]).then(([config, styles]) => {
    styles.forEach((href) => CMS.registerPreviewStyle(href));
    format.configure({ fields: config.x_pelican_fields || [], lists: config.x_pelican_lists || [] });
    delete config.x_pelican_fields;
    delete config.x_pelican_lists;
    if (config.local_backend && config.local_backend.url) {
      config.local_backend.url = new URL(config.local_backend.url, location.href).href;
    }
    if (!config.site_url) config.site_url = location.origin;
    config.load_config_file = false;
    if (CMS.registerAdditionalLink) {
      CMS.registerAdditionalLink({ id: "translation-status", title: "Translation status",
                                   data: "/translation-status/", options: { icon: "page" } });
    }
    CMS.init({ config: config });
  });
})();
