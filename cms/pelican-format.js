// Decap CMS custom format "pelican": the kit's `Key: value` header and Markdown body.
//
// Lossless by construction: an entry keeps the text it was read from (data.__source),
// and toFile writes every line of it back as it was unless its field's value
// changed: saving a change to one field changes that line only; fields the editor
// does not know (Translation-Of:, WordPress-Id:, …) are kept where they are.
// The header is read as newsroom/sources.py `parse` reads it (Python-Markdown's
// meta extension): the same regular expressions, the same end of header.
//
// A file this format cannot edit safely is returned with data.__problem (shown by
// the "pelican-problem" widget) and toFile refuses to write it.
//
// Used in the browser (window.PelicanFormat) and by Node (require) for the tests.
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.PelicanFormat = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // Python-Markdown's meta extension (markdown/extensions/meta.py), as in sources.py
  const META_RE = /^[ ]{0,3}([A-Za-z0-9_-]+):\s*(.*)$/;
  const META_MORE_RE = /^[ ]{4,}(.*)$/;
  const BEGIN_RE = /^-{3}(\s.*)?$/;
  const END_RE = /^(-{3}|\.{3})(\s.*)?$/;
  // Python's str.strip() and \s: Unicode white space.
  const strip = (s) => s.replace(/^\s+|\s+$/g, "");

  // Keys with several lines, one value each (an array in the entry).
  const LIST_KEYS = new Set(["correction"]);
  // How a new field is spelled, and where it goes in a new header.
  const SPELLING = {
    title: "Title", slug: "Slug", date: "Date", modified: "Modified", status: "Status",
    category: "Category", tags: "Tags", authors: "Authors", summary: "Summary",
    lang: "Lang", translation: "Translation", "translation-of": "Translation-Of",
    correction: "Correction", image: "Image", imagealt: "ImageAlt",
    imagecaption: "ImageCaption", imagecredit: "ImageCredit", imagefocus: "ImageFocus",
  };
  const ORDER = Object.keys(SPELLING);
  const RESERVED = new Set(["body", "__source", "__problem", "__translation_done"]);
  // Ticked "translation done": a line for the kit's save check (newsroom/cms.py), which
  // records the original's fingerprint in its place; never written to a file.
  const DONE_LINE = "Newsroom-Translation-Done: true";
  // Keys the editor's widgets own (configure()): one missing from an entry was
  // emptied. Other keys are written back as they were read.
  let managed = null;
  // Keys edited as lists of comma-separated names (list widgets: tags).
  let commaKeys = new Set();
  function configure(options) {
    managed = options && options.fields ? new Set(options.fields.map((k) => k.toLowerCase())) : null;
    commaKeys = new Set(((options && options.lists) || []).map((k) => k.toLowerCase()));
  }
  const splitComma = (value) => value.split(",").map(strip).filter(Boolean);
  const owned = (data, lower) => lower in data || (managed !== null && managed.has(lower));

  /** The header as sources.parse reads it: {begin, fields, separator, body, problems}. */
  function parse(text) {
    const lines = text.split("\n");
    let index = 0;
    let begin = null;
    if (lines.length && BEGIN_RE.test(lines[0])) {
      begin = lines[0];
      index = 1;
    }
    const fields = []; // {key, lower, value, lines, line, duplicate}
    const seen = new Set();
    let current = null;
    let separator = null; // the blank line (or end marker) closing the header
    let stoppedAt = null; // a non-metadata line that ended the header
    while (index < lines.length) {
      const line = lines[index];
      if (!strip(line) || (index > 0 && END_RE.test(line))) {
        separator = line;
        index += 1;
        break;
      }
      const match = META_RE.exec(line);
      if (match) {
        const lower = match[1].toLowerCase();
        current = { key: match[1], lower, value: strip(match[2]), lines: [line],
                    line: index + 1, duplicate: seen.has(lower) };
        seen.add(lower);
        fields.push(current);
        index += 1;
        continue;
      }
      const more = META_MORE_RE.exec(line);
      if (more && current !== null) {
        current.value = strip(current.value + "\n" + strip(more[1]));
        current.lines.push(line);
        index += 1;
        continue;
      }
      stoppedAt = index;
      break;
    }
    const body = lines.slice(index).join("\n");
    const hasBody = index < lines.length; // "" as a last line is a body too
    const problems = [];
    if (stoppedAt !== null && fields.length) {
      problems.push(`line ${stoppedAt + 1} ("${lines[stoppedAt].slice(0, 60)}") is neither ` +
        "`Key: value` nor a blank line, so the header ends there and the lines after it are " +
        "read as text; put a blank line between the header and the text, or fix that line, " +
        "in a text editor");
    }
    return { begin, fields, separator, body, hasBody, problems };
  }

  function valuesOf(fields, lower) {
    const out = [];
    for (const f of fields) if (f.lower === lower) out.push(...f.value.split("\n"));
    return out.filter((v) => strip(v));
  }

  /** {bom, eol, text, mixed} of a file's text: the BOM and CR LF line ends are put
   * back as they were; lines ending in both ways cannot be. */
  function unwrap(content) {
    let text = content;
    let bom = "";
    if (text.charCodeAt(0) === 0xfeff) {
      bom = "\ufeff";
      text = text.slice(1);
    }
    const crlf = (text.match(/\r\n/g) || []).length;
    const cr = (text.match(/\r/g) || []).length, lf = (text.match(/\n/g) || []).length;
    const eol = crlf && crlf === cr && crlf === lf ? "\r\n" : "\n";
    return { bom, eol, text: text.replace(/\r\n?/g, "\n"), mixed: cr > 0 && eol === "\n" };
  }

  /** Entry data of a file: one key per field (lower case), `body`, `__source`. */
  function fromFile(content) {
    const data = { __source: content };
    const problems = [];
    const { text, mixed } = unwrap(content);
    if (mixed) {
      problems.push("its lines end in more than one way (CR, LF, CR LF); save it with Unix " +
        "line ends (LF) in a text editor");
    }
    if (text.includes("\u0000") || text.includes("\ufffd")) {
      problems.push("the file is not UTF-8 text (or holds a NUL byte); re-save it as UTF-8 " +
        "in a text editor");
    }
    const parsed = parse(text);
    problems.push(...parsed.problems);
    for (const f of parsed.fields) {
      if (LIST_KEYS.has(f.lower)) data[f.lower] = valuesOf(parsed.fields, f.lower);
      else if (f.duplicate) continue;
      else if (commaKeys.has(f.lower)) data[f.lower] = splitComma(f.value);
      else data[f.lower] = f.value;
    }
    data.body = parsed.body;
    if (problems.length) {
      data.__problem = "This file cannot be edited here: " + problems.join("; ") +
        ". It is left exactly as it is.";
    }
    return data;
  }

  /** A value as it is written after `Key: ` (null: the field is empty). */
  function render(value) {
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) value = value.map((v) => strip(String(v))).filter(Boolean).join(", ");
    else if (value instanceof Date) value = value.toISOString();
    else if (typeof value === "object") value = JSON.stringify(value);
    const text = strip(String(value));
    return text ? text : null;
  }

  function renderList(value) {
    const items = value === null || value === undefined ? []
      : Array.isArray(value) ? value : String(value).split("\n");
    // one line per item: a line end typed inside an item makes two corrections, as the build reads it
    return items.flatMap((v) => String(v).split("\n")).map(strip).filter(Boolean);
  }

  function fieldLines(key, text) {
    // A value on several lines: continuation lines indented four spaces.
    const [first, ...more] = text.split("\n").map(strip);
    return [`${key}: ${first}`, ...more.filter(Boolean).map((l) => "    " + l)];
  }

  const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

  /** The file of an entry: the lines it was read from, changed where a value changed. */
  function toFile(data) {
    if (data.__problem) throw new Error(data.__problem);
    const source = typeof data.__source === "string" ? data.__source : null;
    const { bom, eol, text } = unwrap(source || "");
    const parsed = source !== null ? parse(text)
      : { begin: null, fields: [], separator: null, body: "", hasBody: false, problems: [] };
    const out = parsed.begin !== null ? [parsed.begin] : [];
    const written = new Set();
    for (const f of parsed.fields) {
      if (LIST_KEYS.has(f.lower)) {
        if (written.has(f.lower)) continue;
        written.add(f.lower);
        const now = renderList(data[f.lower]);
        const before = valuesOf(parsed.fields, f.lower);
        if (same(now, before)) {
          for (const g of parsed.fields) if (g.lower === f.lower) out.push(...g.lines);
        } else {
          for (const item of now) out.push(`${f.key}: ${item}`);
        }
        continue;
      }
      if (f.duplicate || !owned(data, f.lower)) { // a later copy, or a field no widget has
        out.push(...f.lines);
        continue;
      }
      written.add(f.lower);
      const now = render(data[f.lower]);
      if (commaKeys.has(f.lower) && now !== null && same(splitComma(now), splitComma(f.value))) {
        out.push(...f.lines); // the same names, however they were spaced
        continue;
      }
      if (now === f.value || (now === null && f.value === "")) out.push(...f.lines);
      else if (now !== null) out.push(...fieldLines(f.key, now));
      // else: emptied in the editor, the line goes
    }
    const added = Object.keys(data).filter((k) => !written.has(k) && !RESERVED.has(k)
      && !k.startsWith("__") && !parsed.fields.some((f) => f.lower === k));
    added.sort((a, b) => (ORDER.includes(a) ? ORDER.indexOf(a) : ORDER.length) -
      (ORDER.includes(b) ? ORDER.indexOf(b) : ORDER.length) || (a < b ? -1 : a > b ? 1 : 0));
    for (const k of added) {
      const key = SPELLING[k] || k.charAt(0).toUpperCase() + k.slice(1);
      if (LIST_KEYS.has(k)) {
        for (const item of renderList(data[k])) out.push(`${key}: ${item}`);
        continue;
      }
      const now = render(data[k]);
      if (now !== null) out.push(...fieldLines(key, now));
    }
    if (data.__translation_done === true) out.push(DONE_LINE);
    let body = typeof data.body === "string" ? data.body : "";
    let hasBody = parsed.hasBody;
    if (body !== parsed.body) {
      // Edited text: one line end at the end of the file, as editors save it.
      body = body.replace(/\r\n?/g, "\n").replace(/^\n+/, "").replace(/\s+$/, "");
      body = body ? body + "\n" : "";
      hasBody = body !== "";
    }
    const header = out.length > (parsed.begin !== null ? 1 : 0);
    let separator = parsed.separator;
    if (separator === null && header && (body || source === null)) separator = "";
    const parts = separator !== null ? [...out, separator] : out;
    const file = hasBody ? parts.join("\n") + (parts.length ? "\n" : "") + body : parts.join("\n");
    return bom + (eol === "\n" ? file : file.replace(/\n/g, eol));
  }

  return { fromFile, toFile, parse, configure };
});
