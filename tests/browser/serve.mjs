// Drives `counterspy serve` in headless Debian chromium the way an
// analyst does: signs in with a token, uploads the demo's spear-phishing
// mail (file chooser) and a second mail (drag and drop), waits for the
// verdict, opens the submission's details and its case page, and checks
// that the timeline, the ATT&CK heat map, the entity graph and the
// findings filter work. No request may leave the server; no console or
// page error, no Content-Security-Policy violation. Screenshots of each
// step go to OUT_DIR.
//
//   node tests/browser/serve.mjs BASE_URL TOKEN MAIL OTHER_MAIL OUT_DIR
//
// Exit codes: 0 passed, 1 a check failed, 2 bad usage or no browser.

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { CHROMIUM, launch } from "./chromium.mjs";

const WAIT = 90_000;

function usage(message) {
  console.error(`serve.mjs: ${message}`);
  console.error("usage: node tests/browser/serve.mjs BASE_URL TOKEN MAIL OTHER_MAIL OUT_DIR");
  process.exit(2);
}

const [base, token, mailArg, otherArg, outArg] = process.argv.slice(2);
if (!outArg) usage("five arguments are needed");
const mail = resolve(mailArg);
const other = resolve(otherArg);
for (const f of [mail, other]) if (!existsSync(f)) usage(`no such file: ${f}`);
if (!existsSync(CHROMIUM)) usage(`${CHROMIUM} is missing: run bash .ci/deps`);
const out = resolve(outArg);
mkdirSync(out, { recursive: true });
const origin = new URL(base).origin;

const problems = [];
const fail = (what) => problems.push(what);
const step = (what) => console.log(`serve.mjs: ${what}`);

async function visible(page, selector) {
  const el = page.locator(selector).first();
  await el.waitFor({ state: "visible", timeout: WAIT });
  const b = await el.boundingBox();
  if (!b || b.width <= 0 || b.height <= 0) fail(`${selector}: zero size`);
}

async function signIn(page) {
  await page.goto(base, { waitUntil: "load" });
  await visible(page, "#sign-in");
  await page.fill("#token", "cs_wrong");
  await page.click("#sign-in-form button[type=submit]");
  await page.locator("#sign-in-error", { hasText: "Unknown token" })
    .waitFor({ timeout: WAIT });
  await page.fill("#token", token);
  await page.click("#sign-in-form button[type=submit]");
  await visible(page, "#workspace");
  const who = await page.textContent("#who");
  if (!who.includes("signed in as")) fail(`#who: ${who}`);
  step(`signed in (${who})`);
}

async function upload(page) {
  await page.locator("#org option[value=kbzenit]").waitFor({ state: "attached", timeout: WAIT });
  await page.selectOption("#org", "kbzenit");
  await page.fill("#case", "demo");
  await page.setInputFiles("#files", mail);
  await page.locator("#upload-status", { hasText: "Queued 1" }).waitFor({ timeout: WAIT });
  // The second by drag and drop, as from a file manager.
  const bytes = [...readFileSync(other)];
  const data = await page.evaluateHandle(({ bytes, name }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], name, { type: "message/rfc822" }));
    return dt;
  }, { bytes, name: basename(other) });
  await page.dispatchEvent("#drop", "dragenter", { dataTransfer: data });
  await page.dispatchEvent("#drop", "drop", { dataTransfer: data });
  await page.locator("#upload-status", { hasText: "Queued 1" }).waitFor({ timeout: WAIT });
  step("uploaded by file chooser and by drag and drop");
}

async function verdict(page) {
  const row = page.locator("#submissions-table tbody tr", { hasText: basename(mail) });
  await row.locator(".verdict-malicious").waitFor({ timeout: WAIT });
  const dropped = page.locator("#submissions-table tbody tr", { hasText: basename(other) });
  await dropped.locator(".state-done").waitFor({ timeout: WAIT });
  step("the spear-phishing mail is judged malicious");
  await page.screenshot({ path: join(out, "1-submissions.png"), fullPage: true });
  await row.click();
  await page.locator("#detail li").first().waitFor({ timeout: WAIT });
  const top = await page.locator("#detail li").count();
  if (top < 1) fail("#detail: no top finding");
  const first = await page.locator("#detail li").first().textContent();
  step(`details: ${top} top findings, first: ${first.trim().slice(0, 90)}`);
  await page.screenshot({ path: join(out, "2-details.png"), fullPage: true });
  return row;
}

async function casePage(page, row) {
  await row.locator("a", { hasText: "demo" }).click();
  await page.waitForURL(/\/cases\/demo$/, { timeout: WAIT });
  for (const s of ["#timeline svg", "#heatmap", "#graph svg", "#campaigns", "#findings-table"]) {
    await visible(page, s);
  }
  const marks = await page.locator("#timeline svg .mark").count();
  if (marks < 1) fail("#timeline: no activity mark");
  const coloured = await page.$$eval("#heatmap td.tech", (cells) =>
    cells.filter((c) => {
      const bg = getComputedStyle(c).backgroundColor;
      return bg && bg !== "transparent" && bg !== "rgba(0, 0, 0, 0)";
    }).length);
  if (coloured < 1) fail("#heatmap: no coloured technique cell");
  const rows = await page.locator("#findings-table tbody tr").count();
  await page.selectOption("#finding-filters select[name=severity]", "4");
  const shown = await page.locator("#findings-table tbody tr:not([hidden])").count();
  if (!(rows > 0 && shown < rows)) fail(`findings filter: ${shown} of ${rows} shown`);
  const count = await page.textContent("#finding-filters output");
  if (!count.includes(`of ${rows}`)) fail(`filter count: ${count}`);
  await page.selectOption("#finding-filters select[name=severity]", "0");
  for (const f of ["stix", "misp", "navigator", "jsonl", "html"]) {
    if ((await page.locator(`a[href$="/export/${f}"]`).count()) !== 1) fail(`export ${f}: no link`);
  }
  step(`case page: ${marks} timeline marks, ${coloured} heat-map cells, ` +
    `${rows} findings (${shown} critical)`);
  await page.screenshot({ path: join(out, "3-case.png"), fullPage: true, clip: undefined });
}

async function main() {
  const { context, close } = await launch("serve.mjs", { acceptDownloads: false });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    context.on("request", (r) => {
      if (new URL(r.url()).origin !== origin) fail(`request elsewhere: ${r.url()}`);
    });
    page.on("console", (m) => {
      // The wrong token's 401 is expected.
      if (m.type() === "error" && !m.text().includes("401")) {
        fail(`console error: ${m.text()}`);
      }
    });
    page.on("pageerror", (e) => fail(`page error: ${e.message}`));
    page.on("dialog", async (d) => {
      fail(`dialog opened: ${d.type()} ${d.message()}`);
      await d.dismiss();
    });
    await signIn(page);
    await upload(page);
    const row = await verdict(page);
    await casePage(page, row);
  } catch (err) {
    fail(`${err.message}`);
    const page = context.pages()[0];
    if (page) await page.screenshot({ path: join(out, "failed.png"), fullPage: true }).catch(() => {});
  } finally {
    await close();
  }
  if (problems.length > 0) {
    console.error("serve.mjs: failed:");
    for (const p of problems) console.error(`  - ${p}`);
    process.exit(1);
  }
  console.log(`serve.mjs: ok; screenshots in ${out}`);
}

main().catch((err) => {
  console.error(`serve.mjs: ${err.stack ?? err}`);
  process.exit(2);
});
