// Drives a real headless Chromium (puppeteer-core over the DevTools
// protocol) through the dashboard of `ci-run serve` (tests/e2e/web_dashboard.sh
// prepares the store and the server). Every check is on what a user sees
// in the page; any failed check exits 1. Screenshots go to $ARTIFACTS.
"use strict";
const puppeteer = require(process.env.PUPPETEER);
const { spawn } = require("child_process");
const path = require("path");

const base = process.env.BASE;
const artifacts = process.env.ARTIFACTS;
const token = process.env.TOKEN;
const culprit = process.env.CULPRIT;
const failures = [];

function check(ok, what) {
  if (ok) console.log("ok: " + what);
  else { console.log("FAIL: " + what); failures.push(what); }
}
async function api(p) { return (await fetch(base + p)).json(); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function open(page, url) {
  await page.goto(base + url, { waitUntil: "load" });
  await page.waitForFunction(() => document.body.dataset.ready === "1", { timeout: 30000 });
}
async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, name + ".png"), fullPage: true });
}
const texts = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent));

async function main() {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=" + process.env.PROFILE],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  let dialogs = 0;
  page.on("dialog", async (d) => { dialogs++; await d.dismiss(); });
  page.on("pageerror", (e) => check(false, "no script error in the page: " + e.message));

  // ---- the pipeline list ---------------------------------------------------
  const { breakId, fuzzId, xssId } = JSON.parse(process.env.IDS);
  await open(page, "/");
  const ids = await page.$$eval("#pipelines tr.pipeline", (rows) => rows.map((r) => Number(r.dataset.id)));
  check(ids.length >= 3 && ids.every((v, i) => i === 0 || ids[i - 1] > v), "pipelines newest first: " + ids);
  check(ids.includes(breakId) && ids.includes(fuzzId), "the list shows the build-break and bootvar-crash pipelines");
  await shot(page, "pipelines");
  await open(page, "/?state=failed");
  const failedStates = await texts(page, "#pipelines tr.pipeline .badge");
  check(failedStates.length > 0 && failedStates.every((s) => s === "failed"), "the state filter keeps failed pipelines only");

  // ---- the build-break pipeline: grid, colours, counts ----------------------
  await open(page, "/pipeline?id=" + breakId);
  const squares = await page.$$eval("#grid a.square", (els) => els.map((e) => ({
    outcome: e.dataset.outcome, colour: getComputedStyle(e).backgroundColor, text: e.textContent })));
  check(squares.length === 2, "the grid has hello's two unix cells: " + JSON.stringify(squares));
  const failed = squares.filter((s) => s.outcome === "failed"), passed = squares.filter((s) => s.outcome === "passed");
  check(failed.length === 1 && failed[0].colour === "rgb(207, 34, 46)", "the clang square is red (failed): " + JSON.stringify(failed));
  check(passed.length === 1 && passed[0].colour === "rgb(45, 164, 78)", "the gcc square is green (passed): " + JSON.stringify(passed));
  const counts = await page.$$eval("#counts [data-outcome]", (els) => Object.fromEntries(els.map((e) => [e.dataset.outcome, Number(e.dataset.count)])));
  check(counts.failed === 1 && counts.passed === 1, "the counts say 1 failed, 1 passed: " + JSON.stringify(counts));
  const causes = (await texts(page, "#causes .cause")).join("\n");
  check(/build exited with status/.test(causes), "the failure's one-line cause is shown: " + causes);
  const repro = (await texts(page, "#causes code.reproducer")).join("\n");
  check(repro.includes("--only compiler=clang,target=unix"), "the reproducer names the failed cell: " + repro);
  check((await page.$$("#causes button.copy")).length >= 1, "the reproducer has a copy button");
  const groups = await page.$$eval("#failure-groups tr", (els) => els.map((e) => Number(e.dataset.cells)));
  check(groups.length === 1 && groups[0] === 1, "one failure group, of the clang cell: " + JSON.stringify(groups));
  await shot(page, "pipeline");

  // ---- rebuild failed: refused without the token, queued with it ------------
  const before = (await api("/api/pipelines")).pipelines.length;
  await page.click("#action-rebuild-failed");
  await page.waitForFunction(() => document.getElementById("action-result").textContent.length > 1);
  const refused = await page.$eval("#action-result", (e) => e.textContent);
  check(/token/.test(refused), "rebuild failed without the token is refused: " + refused);
  check((await api("/api/pipelines")).pipelines.length === before, "no pipeline was queued without the token");
  await page.type("#token", token);
  await Promise.all([page.waitForNavigation(), page.click("#login button")]);
  await page.waitForFunction(() => document.body.dataset.ready === "1");
  await page.click("#action-rebuild-failed");
  await page.waitForFunction(() => /queued|nothing|needs|error/.test(document.getElementById("action-result").textContent));
  const queued = await page.$eval("#action-result", (e) => e.textContent);
  check(/^queued pipeline \d+ \(1 job\(s\)\)$/.test(queued), "rebuild failed with the token queues one job: " + queued);
  const newest = (await api("/api/pipelines")).pipelines[0];
  const rebuilt = await api("/api/pipeline?id=" + newest.id);
  check(newest.trigger === "rebuild" && rebuilt.jobs.length === 1 && rebuilt.jobs[0].compiler === "clang",
    "the rebuild holds only the failed clang job: " + JSON.stringify(rebuilt.jobs.map((j) => j.name)));
  await shot(page, "rebuild");

  // ---- a failed job: steps, log, environment --------------------------------
  const clang = (await api("/api/pipeline?id=" + breakId)).jobs.find((j) => j.outcome === "failed");
  await open(page, "/job?pipeline=" + breakId + "&id=" + clang.id);
  await page.waitForFunction(() => [...document.querySelectorAll("pre.log")].every((p) => p.dataset.loaded === "all"));
  const steps = await texts(page, "#steps tr.step-row td:first-child");
  check(steps[0] === "build", "the job's steps start with its build: " + steps);
  const buildLog = await page.$eval("pre.log[data-step='0']", (e) => e.textContent);
  check(/error/.test(buildLog), "the build log shows the compiler's error");
  const env = await page.$eval("#environment", (e) => e.textContent);
  check(env.includes("clang version") && env.includes("build.sh"),
    "the environment names the toolchain's version and the build command: " + env);
  const excerpt = await page.$eval("#excerpts pre.excerpt[data-step='build']", (e) => e.textContent).catch(() => "");
  check(/error/.test(excerpt), "the build's failure excerpt is shown: " + excerpt);
  const manifest = await page.$eval("#manifest", (e) => e.textContent);
  check(/clang/.test(manifest), "the job's manifest is shown: " + manifest.slice(0, 200));
  await shot(page, "job");

  // ---- findings: the bootvar-crash defects, minimised ------------------------
  await open(page, "/findings?unikernel=bootvars");
  const inputs = await texts(page, "#findings code.minimised");
  check(inputs.includes("--port=0"), "the hang's minimised input is --port=0: " + inputs);
  check(inputs.includes("--name=" + "a".repeat(102)), "the crash's minimised input is a 102-byte name");
  const firstSeen = await texts(page, "#findings code.first-commit");
  check(firstSeen.every((c) => process.env.FUZZ_COMMIT.startsWith(c)), "first seen at the bootvar-crash commit: " + firstSeen);
  await shot(page, "findings");

  // ---- performance: the chart's change point on the perf-regression commit ---
  await open(page, "/perf");
  const series = await page.$$eval("#series a.series", (els) => els.map((e) => e.getAttribute("href")));
  const cycles = series.find((h) => h.includes("metric=cycles"));
  check(Boolean(cycles), "bench's cycles series is listed: " + series);
  await open(page, cycles);
  await page.waitForSelector("#chart canvas");
  const chart = await page.$eval("#chart", (e) => ({ commits: e.dataset.commits.split(","), marks: e.dataset.marks }));
  check(chart.commits.length >= 5, "the chart has a point per measured commit: " + chart.commits.length);
  const marks = chart.marks.split(",").filter(Boolean).map((m) => m.split(":"));
  check(marks.length === 1 && marks[0][1] === culprit && chart.commits[Number(marks[0][0])] === culprit,
    "the chart marks one change point, at the perf-regression commit: " + chart.marks);
  const named = await texts(page, "#culprits code.culprit");
  check(named.length === 1 && named[0] === culprit, "the culprit commit is named: " + named);
  await shot(page, "perf");

  // ---- hostile console output is text ---------------------------------------
  const xss = (await api("/api/pipeline?id=" + xssId)).jobs[0];
  await open(page, "/job?pipeline=" + xssId + "&id=" + xss.id);
  await page.waitForFunction(() => [...document.querySelectorAll("pre.log")].every((p) => p.dataset.loaded === "all"));
  await sleep(1000);  // time for an injected handler (img onerror) to run, if it could
  const hostile = await page.evaluate(() => ({
    xss: window.__xss, title: document.title,
    log: [...document.querySelectorAll("pre.log")].map((p) => p.textContent).join("\n"),
    injected: document.querySelectorAll("pre.log script, pre.log img, pre.log b, main img").length,
    failLines: [...document.querySelectorAll("pre.log .fail-line")].map((e) => e.textContent),
    excerptMarked: [...document.querySelectorAll("#excerpts .fail-line")].map((e) => e.textContent),
    excerptInjected: document.querySelectorAll("#excerpts b, #excerpts script, #excerpts img").length,
  }));
  check(hostile.xss === undefined && dialogs === 0 && hostile.title === "ci-run", "no script of the console ran: " + JSON.stringify([hostile.xss, dialogs, hostile.title]));
  check(hostile.injected === 0, "no element was made from the console");
  check(hostile.log.includes("<script>window.__xss=1;alert(1)</script>"), "the script tag is shown as text");
  check(hostile.log.includes("<img src=x onerror=\"window.__xss=2\">"), "the img tag is shown as text");
  check(hostile.log.includes("\u241b[31mred"), "terminal escapes are shown, not interpreted");
  check(hostile.failLines.length === 1 && hostile.failLines[0].startsWith("PANIC: <b>boom</b>"), "the line that failed it is highlighted: " + hostile.failLines);
  check(hostile.excerptInjected === 0 && hostile.excerptMarked.length === 1 &&
    hostile.excerptMarked[0].includes("PANIC: <b>boom</b>"),
    "the excerpt marks the PANIC line, as text: " + JSON.stringify(hostile.excerptMarked));
  await shot(page, "hostile-console");

  // ---- a live job: its steps reach the page without a reload -----------------
  const known = new Set((await api("/api/pipelines?limit=200")).pipelines.map((p) => p.id));
  const run = spawn("bash", ["-c", process.env.LIVE_CMD], { stdio: "inherit" });
  const exited = new Promise((r) => run.on("exit", r));
  let live = null;
  for (let i = 0; i < 600 && !live; i++) {
    const ps = (await api("/api/pipelines?state=running")).pipelines.filter((p) => !known.has(p.id));
    if (ps.length) {
      const jobs = (await api("/api/pipeline?id=" + ps[0].id)).jobs;
      if (jobs.length && jobs[0].state === "running") live = { pipeline: ps[0].id, job: jobs[0].id };
    }
    if (!live) await sleep(100);
  }
  check(live !== null, "the live run's job was seen running");
  if (live) {
    await open(page, "/job?pipeline=" + live.pipeline + "&id=" + live.job);
    await page.evaluate(() => { window.__sameDocument = true; });
    const first = await page.evaluate(() => ({
      live: document.getElementById("live").textContent,
      steps: [...document.querySelectorAll("#steps tr.step-row td:first-child")].map((e) => e.textContent) }));
    check(/live/.test(first.live) && !first.steps.includes("boot"), "the page opened while the boot runs: " + JSON.stringify(first));
    // The boot's console streams in while it runs: its first line, before
    // the boot step is recorded.
    await page.waitForFunction(() => {
      const pre = document.getElementById("live-console");
      return pre && pre.dataset.step === "boot" && pre.textContent.includes("starting");
    }, { timeout: 60000 });
    const streaming = await page.evaluate(() => ({
      console: document.getElementById("live-console").textContent,
      steps: [...document.querySelectorAll("#steps tr.step-row td:first-child")].map((e) => e.textContent) }));
    check(!streaming.steps.includes("boot") && !streaming.console.includes("SUCCESS"),
      "the boot's console streams live, before the boot ends: " + JSON.stringify(streaming));
    await shot(page, "live-running");
    await page.waitForFunction(() => document.querySelector("#job-state [data-outcome]").dataset.outcome === "passed" &&
      [...document.querySelectorAll("pre.log")].some((p) => p.textContent.includes("SUCCESS")), { timeout: 120000 });
    const after = await page.evaluate(() => ({ same: window.__sameDocument === true,
      steps: [...document.querySelectorAll("#steps tr.step-row td:first-child")].map((e) => e.textContent) }));
    check(after.same && after.steps.includes("boot"), "the boot step and its log arrived without a reload: " + JSON.stringify(after));
    check(await page.evaluate(() => document.getElementById("live-console") === null),
      "the live console is gone once the boot is recorded");
    await shot(page, "live-finished");
  }
  await exited;
  await browser.close();
}

main().then(() => {
  if (failures.length) { console.log(failures.length + " check(s) failed"); process.exit(1); }
  console.log("all checks passed");
}).catch((e) => { console.log("FAIL: " + (e.stack || e)); process.exit(1); });
