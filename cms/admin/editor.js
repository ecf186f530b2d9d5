// The kit's set-up of Decap CMS: the "pelican" format, the file notice widget (problems,
// translation status), the site's CSS in the preview pane, then init.
(function () {
  "use strict";
  const CMS = window.CMS;
  const h = window.h;
  const format = window.PelicanFormat;

  CMS.registerCustomFormat("pelican", "md", { fromFile: format.fromFile, toFile: format.toFile });

  // Translation status (`make status`), from /admin/status.json, once per page load.
  let statusRows = null;
  function loadStatus() {
    if (!statusRows) {
      statusRows = fetch("status.json").then((r) => (r.ok ? r.json() : [])).catch(() => []);
    }
    return statusRows;
  }
  const STATES = { original: "original", current: "up to date", outdated: "OUTDATED: the " +
    "original changed since; update this language, then tick “Translation matches its original”",
    untracked: "not tracked", missing: "missing", orphan: "no original" };

  // First field of the form: why a file cannot be edited (never rewritten), else the
  // translation status of the entry in every language.
  const FileInfo = window.createClass({
    getInitialState: function () { return { row: null, problems: [] }; },
    componentDidMount: function () {
      const entry = this.props.entry;
      const slug = entry && entry.get("slug");
      const key = String(slug).split(".")[0];
      loadStatus().then((rows) => {
        const row = rows.find((r) => r.slug === slug || r.slug === key);
        if (row) this.setState({ row: row });
      });
      // The preview build's path:line problems for this entry's files (make cms only).
      fetch("/__build.json").then((r) => (r.ok ? r.json() : null)).then((build) => {
        if (!build) return;
        const mine = (list, level) => (list || []).map((p) => (typeof p === "string" ? p : JSON.stringify(p)))
          .filter((text) => text.includes("/" + key + ".")).map((text) => ({ level: level, text: text }));
        this.setState({ problems: [...mine(build.errors, "error"), ...mine(build.warnings, "warning")] });
      }).catch(() => null);
    },
    render: function () {
      const value = this.props.value;
      const problems = this.state.problems.length ? h("ul", {
        "data-build-problems": "", style: { margin: "4px 0 0 16px" } },
      this.state.problems.map((p, i) => h("li", { key: i, style: {
        color: p.level === "error" ? "#7a1010" : "#6b4e00" } }, `preview ${p.level}: ${p.text}`))) : null;
      if (value) {
        return h("div", null, h("div", {
          role: "alert", "data-pelican-problem": "shown",
          style: { background: "#fde8e8", color: "#7a1010", border: "2px solid #b42318",
                   borderRadius: "4px", padding: "12px", fontWeight: "600" },
        }, value), problems);
      }
      const row = this.state.row;
      const items = row ? Object.keys(row.languages).map((lang) => {
        const cell = row.languages[lang];
        const draft = cell.publication && cell.publication !== "published" ? ` (${cell.publication})` : "";
        return h("li", { key: lang, "data-lang": lang, "data-state": cell.state },
                 `${lang}: ${STATES[cell.state] || cell.state}${draft}`);
      }) : [];
      return h("div", { "data-pelican-problem": "none", style: { color: "#333" } },
        h("span", null, "Read in the kit's format; saving changes only the lines you edit. "),
        h("a", { href: "/translation-status/", target: "_blank", rel: "noopener" },
          "Translation status of the site"),
        items.length ? h("ul", { "data-translation-status": "", style: { margin: "4px 0 0 16px" } },
                         items) : null,
        problems);
    },
  });
  CMS.registerWidget("pelican-problem", FileInfo, function () { return h("span"); });

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
    CMS.init({ config: config });
  });
})();
