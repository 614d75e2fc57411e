#!/usr/bin/env node
// Checks that every ```mermaid block in the given Markdown files parses with mermaid's own
// parser (`mermaid.parse`), the one GitHub's renderer uses, under jsdom (mermaid wants a
// DOM; mermaid-cli would download a browser). CI runs it on the GitHub Action's job
// summary and on known-good and known-bad samples.
//
//   node scripts/check-mermaid.mjs --modules DIR FILE.md...
//
// DIR is a node_modules folder holding `mermaid` and `jsdom` (scripts/check-integrations.sh
// installs pinned versions). Prints one line per block; exits 1 if any block does not
// parse, 2 on a usage error.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const argv = process.argv.slice(2);
let modules = process.env.MERMAID_NODE_MODULES;
const files = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--modules") {
    modules = argv[++i];
  } else {
    files.push(argv[i]);
  }
}
if (!modules || files.length === 0) {
  console.error("usage: check-mermaid.mjs --modules NODE_MODULES FILE.md...");
  process.exit(2);
}

const require = createRequire(pathToFileURL(resolve(modules) + "/"));
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
// mermaid and DOMPurify look for a browser's globals; Node has some of them already.
const define = (name, value) =>
  Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
define("window", dom.window);
define("document", dom.window.document);
for (const name of ["navigator", "Element", "HTMLElement", "SVGElement", "DOMParser", "MutationObserver"]) {
  if (!(name in globalThis)) define(name, dom.window[name]);
}
const mermaid = (await import(pathToFileURL(require.resolve("mermaid")).href)).default;
mermaid.initialize({ startOnLoad: false });

// Fenced blocks whose info string starts with `mermaid` (``` or ~~~, three or more).
function blocks(text) {
  const out = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*mermaid(\s|$)/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const start = i + 1;
    let end = start;
    while (end < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[end])) end++;
    out.push({ line: start, text: lines.slice(start, end).join("\n") });
    i = end;
  }
  return out;
}

let total = 0;
let bad = 0;
for (const file of files) {
  const found = blocks(readFileSync(file, "utf8"));
  for (const block of found) {
    total++;
    try {
      const result = await mermaid.parse(block.text);
      console.log(`${file}:${block.line}: ok (${result.diagramType})`);
    } catch (err) {
      bad++;
      const message = String(err?.message ?? err).split("\n").slice(0, 4).join(" | ");
      console.log(`${file}:${block.line}: does not parse: ${message}`);
    }
  }
  if (found.length === 0) console.log(`${file}: no mermaid block`);
}
console.log(`mermaid: ${total} blocks, ${bad} that do not parse`);
process.exit(bad > 0 ? 1 : 0);
