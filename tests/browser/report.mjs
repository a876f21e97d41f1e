// Opens a counterspy HTML report in headless Debian chromium and checks
// that it renders: no console or page errors, no network request but the
// file itself, visible timeline, heat map and graph. Then saves a
// full-page screenshot.
//
//   node tests/browser/report.mjs REPORT.html SCREENSHOT.png
//
// Exit codes: 0 the report passed, 1 a check failed, 2 bad usage or the
// browser could not start.

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CHROMIUM, launch } from "./chromium.mjs";

function usage(message) {
  console.error(`report.mjs: ${message}`);
  console.error("usage: node tests/browser/report.mjs REPORT.html SCREENSHOT.png");
  process.exit(2);
}

const [htmlArg, pngArg] = process.argv.slice(2);
if (!htmlArg || !pngArg) usage("two arguments are needed");
const htmlPath = resolve(htmlArg);
if (!existsSync(htmlPath)) usage(`no such file: ${htmlPath}`);
if (!existsSync(CHROMIUM)) usage(`${CHROMIUM} is missing: run bash .ci/deps`);
const url = pathToFileURL(htmlPath).href;

const problems = [];
const fail = (what) => problems.push(what);

async function box(page, selector) {
  const el = page.locator(selector).first();
  if ((await el.count()) === 0) return fail(`${selector}: missing`);
  if (!(await el.isVisible())) return fail(`${selector}: not visible`);
  const b = await el.boundingBox();
  if (!b || b.width <= 0 || b.height <= 0) {
    fail(`${selector}: zero size (${JSON.stringify(b)})`);
  }
}

async function check(page) {
  for (const id of ["summary", "campaigns", "timeline", "heatmap", "graph",
    "incidents", "takeovers", "iocs", "evidence"]) {
    if ((await page.locator(`section#${id}`).count()) !== 1) {
      fail(`section #${id}: missing`);
    }
  }
  await box(page, "#timeline svg");
  await box(page, "#heatmap");
  await box(page, "#graph svg");
  const marks = await page.locator("#timeline svg .mark").count();
  if (marks < 1) fail("#timeline: no activity mark");
  const coloured = await page.$$eval("#heatmap td.tech", (cells) =>
    cells.filter((c) => {
      const bg = getComputedStyle(c).backgroundColor;
      return bg && bg !== "transparent" && bg !== "rgba(0, 0, 0, 0)";
    }).length);
  if (coloured < 1) fail("#heatmap: no coloured technique cell");
  return { marks, coloured };
}

// Chromium cannot capture a taller picture in one piece.
const MAX_SHOT = 16000;

// A full-page screenshot, cut at MAX_SHOT pixels; returns the page's
// height when it was cut.
async function screenshot(page, path) {
  const { width, height } = await page.evaluate(() => ({
    width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
  }));
  if (height <= MAX_SHOT) {
    await page.screenshot({ path, fullPage: true });
    return 0;
  }
  const clip = { x: 0, y: 0, width, height: MAX_SHOT };
  await page.screenshot({ path, fullPage: true, clip });
  return height;
}

async function main() {
  const { context, close } = await launch("report.mjs", { offline: true });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    context.on("request", (r) => {
      if (r.url() !== url) fail(`network request: ${r.url()}`);
    });
    page.on("console", (m) => {
      if (m.type() === "error") fail(`console error: ${m.text()}`);
    });
    page.on("pageerror", (e) => fail(`page error: ${e.message}`));
    page.on("dialog", async (d) => {
      fail(`dialog opened: ${d.type()} ${d.message()}`);
      await d.dismiss();
    });
    const response = await page.goto(url, { waitUntil: "load" });
    if (!response || !response.ok()) fail(`loading ${url} failed`);
    const seen = await check(page);
    const cut = await screenshot(page, resolve(pngArg));
    if (problems.length > 0) {
      console.error(`report.mjs: ${htmlPath} failed:`);
      for (const p of problems) console.error(`  - ${p}`);
      process.exitCode = 1;
    } else {
      console.log(`report.mjs: ok (${seen.marks} timeline marks, ` +
        `${seen.coloured} heat-map cells); screenshot ${resolve(pngArg)}` +
        (cut ? ` (the first ${MAX_SHOT}px of ${cut}px)` : ""));
    }
  } finally {
    await close();
  }
}

main().catch((err) => {
  console.error(`report.mjs: ${err.stack ?? err}`);
  process.exit(2);
});
