// Fetch the pinned Decap CMS bundle with `npm pack`, check its sha512 against
// cms/decap.json, and copy the files the browser loads into
// node_modules/.decap-cms/<version>/ (the editor is served from there; nothing
// comes from a CDN). Run by `make cms-install`; does nothing when already there.
// The copy records the sha512 it was verified against: a changed pin fetches again.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const pin = JSON.parse(fs.readFileSync(path.join(here, "decap.json"), "utf8"));
const target = path.join(root, "node_modules", ".decap-cms", pin.version);
const stamp = path.join(target, ".integrity");

// What the browser loads: the main bundle, its lazy chunks and wasm. Not the
// source maps nor the duplicate cms.* build (a third of the package).
const wanted = (name) => /^(\d+\.)?decap-cms\.js$/.test(name) || name.endsWith(".wasm")
  || name === "decap-cms.js.LICENSE.txt";

function sri(file) {
  return "sha512-" + createHash("sha512").update(fs.readFileSync(file)).digest("base64");
}

if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").trim() === pin.integrity) {
  process.exit(0);
}
const work = fs.mkdtempSync(path.join(os.tmpdir(), "decap-pack-"));
try {
  const spec = `${pin.package}@${pin.version}`;
  console.log(`fetching ${spec} with npm pack (about 16 MB)…`);
  const out = execFileSync("npm", ["pack", spec, "--json", "--pack-destination", work],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const [info] = JSON.parse(out);
  const tgz = path.join(work, info.filename);
  const actual = sri(tgz);
  if (actual !== pin.integrity) {
    console.error(`${spec}: the tarball's sha512 is ${actual}, not the pinned ${pin.integrity} ` +
      "(cms/decap.json); nothing was installed");
    process.exit(1);
  }
  execFileSync("tar", ["xzf", tgz, "-C", work]);
  const dist = path.join(work, "package", "dist");
  const partial = target + ".partial";
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  let count = 0, bytes = 0;
  for (const name of fs.readdirSync(dist).filter(wanted)) {
    fs.copyFileSync(path.join(dist, name), path.join(partial, name));
    count++; bytes += fs.statSync(path.join(dist, name)).size;
  }
  if (!fs.existsSync(path.join(partial, "decap-cms.js"))) {
    console.error(`${spec}: no dist/decap-cms.js in the package; nothing was installed`);
    process.exit(1);
  }
  fs.writeFileSync(path.join(partial, ".integrity"), pin.integrity + "\n");
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(partial, target);  // all or nothing
  console.log(`${spec}: sha512 verified; ${count} files (${(bytes / 1e6).toFixed(1)} MB) in ` +
    path.relative(root, target));
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
