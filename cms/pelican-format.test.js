// node --test cms/: the "pelican" format round-trips every Markdown source of
// content/ and tests/fixtures/ byte for byte, and an edit changes only its line.
"use strict";
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const test = require("node:test");
const { fromFile, toFile, configure } = require("./pelican-format.js");

const root = path.dirname(__dirname);
const EXTENSIONS = [".md", ".markdown", ".mkd", ".mdown"]; // sources.MARKDOWN_EXTENSIONS

function sources(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sources(full));
    else if (EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) found.push(full);
  }
  return found.sort();
}

const files = [...sources(path.join(root, "content")), ...sources(path.join(root, "tests", "fixtures"))];
const strict = new TextDecoder("utf-8", { fatal: true });
// Decap reads files as text (decap-server: fs.readFile(…, "utf8"); GitHub: UTF-8).
const asDecapReadsIt = (bytes) => bytes.toString("utf8");
// What an entry goes through in the editor: Immutable.js maps, fromJS/toJS.
const throughEditor = (data) => JSON.parse(JSON.stringify(data));

test("there are sources to test", () => {
  assert.ok(files.length > 100, `${files.length} files`);
});

let readable = 0;
for (const file of files) {
  const rel = path.relative(root, file);
  test(`round trip: ${rel}`, () => {
    const bytes = fs.readFileSync(file);
    const data = fromFile(asDecapReadsIt(bytes));
    let utf8 = true;
    try { strict.decode(bytes); } catch { utf8 = false; }
    if (data.__problem) {
      // Never written back: the editor shows the message, saving is refused.
      assert.throws(() => toFile(throughEditor(data)), /cannot be edited here/);
      return;
    }
    assert.ok(utf8, "a file that is not UTF-8 must be refused");
    readable++;
    const again = toFile(throughEditor(data));
    assert.ok(Buffer.from(again, "utf8").equals(bytes), `${rel} changed:\n${again}`);
  });
}

test("most sources are editable", () => {
  assert.ok(readable > files.length * 0.8, `${readable} of ${files.length}`);
});

function changedLines(before, after) {
  const a = before.split("\n"), b = after.split("\n");
  assert.equal(a.length, b.length, "line count changed");
  return a.map((line, i) => (line === b[i] ? null : i)).filter((i) => i !== null);
}

test("changing the title changes that line only, in every source with a title", () => {
  let count = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const data = fromFile(text);
    if (data.__problem || !data.title || data.title.includes("\n")) continue;
    const edited = toFile({ ...throughEditor(data), title: "Un titre « modifié »" });
    const lines = changedLines(text, edited);
    assert.equal(lines.length, 1, path.relative(root, file));
    assert.match(edited.split("\n")[lines[0]], /^\ufeff? {0,3}Title: Un titre « modifié »\r?$/i);
    count++;
  }
  assert.ok(count > 100, `${count} titles`);
});

test("fields the editor does not know are kept, in place", () => {
  const text = "Title: A\nWordPress-Id: 42\nTranslation: true\nTranslation-Of: key sha256:0123456789abcdef\n" +
    "Correction: 2026-01-02: one\nCorrection: two\nDate: 2026-01-01T10:00:00+01:00\n\nText\n";
  configure({ fields: ["title", "date", "correction", "summary"] });
  try {
    const data = throughEditor(fromFile(text));
    assert.deepEqual(data.correction, ["2026-01-02: one", "two"]);
    delete data.summary; // an empty widget may drop its key
    const out = toFile({ ...data, date: "2026-01-01T11:00:00+01:00" });
    assert.equal(out, text.replace("T10:00", "T11:00"));
    const more = toFile({ ...data, correction: [...data.correction, "three"] });
    assert.equal(more, text.replace("Correction: two\n", "Correction: two\nCorrection: three\n"));
    const split = toFile({ ...data, correction: ["2026-01-02: one", "two\nStatus: draft"] });
    assert.equal(split, text.replace("Correction: two\n", "Correction: two\nCorrection: Status: draft\n"));
    const typed = toFile({ ...data, title: "A\nStatus: draft" }); // never a header line of its own
    assert.equal(typed, text.replace("Title: A\n", "Title: A\n    Status: draft\n"));
    const none = toFile({ ...data, title: "" });
    assert.equal(none, text.replace("Title: A\n", ""));
    delete data.title; // a managed field gone from the entry: emptied
    assert.equal(toFile(data), text.replace("Title: A\n", ""));
  } finally {
    configure(null);
  }
});

test("list widgets (tags) get arrays; the same names keep their line as written", () => {
  configure({ fields: ["title", "tags"], lists: ["tags"] });
  try {
    const text = "Title: A\nTags: a,b ,  c\n\nText\n";
    const data = throughEditor(fromFile(text));
    assert.deepEqual(data.tags, ["a", "b", "c"]);
    assert.equal(toFile(data), text);
    assert.equal(toFile({ ...data, tags: ["a", "c"] }), "Title: A\nTags: a, c\n\nText\n");
    assert.equal(toFile({ ...data, tags: [] }), "Title: A\n\nText\n");
  } finally {
    configure(null);
  }
});

test("a new field goes after the others; a new entry is header, blank line, text", () => {
  const text = "Title: A\nDate: 2026-01-01\n\nText\n";
  const data = fromFile(text);
  assert.equal(toFile({ ...data, summary: "S" }), "Title: A\nDate: 2026-01-01\nSummary: S\n\nText\n");
  const fresh = toFile({ body: "- one\n- two\n\n", title: "Nouveau", date: "2026-12-07T10:00:00+01:00",
    tags: ["a", "b"], status: "draft", imagealt: "", lang: undefined });
  assert.equal(fresh, "Title: Nouveau\nDate: 2026-12-07T10:00:00+01:00\nStatus: draft\nTags: a, b\n\n- one\n- two\n");
});

test("the body is kept as typed (raw Markdown), a multi-line value is indented", () => {
  const text = "Title: A\n\n* one\n* two\n";
  const data = fromFile(text);
  assert.equal(toFile({ ...data, body: "- one\r\n-  two" }), "Title: A\n\n- one\n-  two\n");
  assert.equal(toFile({ ...data, summary: "one\ntwo" }), "Title: A\nSummary: one\n    two\n\n* one\n* two\n");
});

test("a header the format cannot read is refused with the line named", () => {
  const text = "Title: A\nDate 2026-01-01\nCategory: IA\n\nText\n";
  const data = fromFile(text);
  assert.match(data.__problem, /line 2 \("Date 2026-01-01"\) is neither `Key: value` nor a blank line/);
  assert.throws(() => toFile(data), /cannot be edited here/);
  assert.match(fromFile("Title: A\r\n\nText\r\n").__problem, /more than one way/);
  const crlf = "Title: A\r\nDate: x\r\n\r\nText\r\n";
  assert.equal(toFile({ ...fromFile(crlf), title: "B" }), crlf.replace("A", "B"));
  assert.match(fromFile("Title: A\n\n\ufffd\n").__problem, /not UTF-8/);
});

test("edge cases of the end of the header round-trip", () => {
  for (const text of ["", "\n", "Title: A", "Title: A\n", "Title: A\n\n", "---\nTitle: A\n---\nText\n",
    "Title: A\n    more\nDate: x\n   \nText", "\ufeffTitle: A\n\nT\n", "Just text\n", "Title: A\nTitle: B\n\nT\n"]) {
    assert.equal(toFile(throughEditor(fromFile(text))), text, JSON.stringify(text));
  }
  assert.equal(toFile({ ...fromFile("Title: A"), title: "B" }), "Title: B");
  assert.equal(toFile({ ...fromFile("Title: A\n"), body: "T" }), "Title: A\n\nT\n");
});
