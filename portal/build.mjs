// `make portal`: bundles src/ into ../chalicelib/_portal/ (gitignored; Chalice packages it).
// Entry and chunks get content hashes (cached for a year by chalicelib/api/portal.py); pages are
// loaded with import(), so each role's pages, rjsf and chart.js load only when first opened.
import * as esbuild from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.resolve(here, process.env.PORTAL_OUT || "../chalicelib/_portal");

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
const result = await esbuild.build({
  entryPoints: [path.join(here, "src/main.jsx")],
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  target: "es2020",
  jsx: "automatic",
  outdir,
  entryNames: "[name]-[hash]",
  chunkNames: "chunk-[hash]",
  define: { "process.env.NODE_ENV": '"production"' },
  metafile: true,
  logLevel: "warning",
});

// index.html names the hashed entry script and style sheet (served under /portal/).
const outputs = Object.entries(result.metafile.outputs);
const entry = outputs.find(([, o]) => o.entryPoint === "src/main.jsx" || (o.entryPoint || "").endsWith("src/main.jsx"));
const script = path.basename(entry[0]);
const css = entry[1].cssBundle ? path.basename(entry[1].cssBundle) : null;
const template = await readFile(path.join(here, "src/index.html"), "utf8");
const html = template
  .replace("%SCRIPT%", `/portal/${script}`)
  .replace("%STYLES%", css ? `<link rel="stylesheet" href="/portal/${css}">` : "");
await writeFile(path.join(outdir, "index.html"), html);
console.log(`portal built into ${path.relative(process.cwd(), outdir)}: ${outputs.length} files, entry ${script}`);
