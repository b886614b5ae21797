// The ci-run dashboard's front end: reads the JSON endpoints (docs/dashboard.md)
// and builds the pages from DOM nodes. Every text from the store (console
// logs, commit messages, causes) goes in with text nodes, never as markup.
"use strict";

(function () {
  const main = document.getElementById("main");
  const params = new URLSearchParams(location.search);

  // ---- small helpers -------------------------------------------------------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  // Terminal escapes become a visible "␛" so that they cannot hide text.
  function shown(text) { return String(text).replace(/\x1b/g, "\u241b"); }
  function short(commit) { return (commit || "").slice(0, 12); }
  function duration(ms) {
    if (ms === null || ms === undefined) return "";
    if (ms < 1000) return ms + " ms";
    const s = ms / 1000;
    if (s < 120) return s.toFixed(1) + " s";
    return Math.floor(s / 60) + " min " + Math.round(s % 60) + " s";
  }
  function when(ms) { return ms ? new Date(ms).toISOString().replace("T", " ").slice(0, 19) : ""; }
  function badge(outcome) { return el("span", { class: "badge o-" + outcome, "data-outcome": outcome }, outcome); }
  function token() { return localStorage.getItem("ci-run-token") || ""; }
  function headers() { return token() ? { Authorization: "Bearer " + token() } : {}; }
  async function api(path, options) {
    const r = await fetch(path, Object.assign({ headers: headers() }, options || {}));
    let body = null;
    try { body = await r.json(); } catch (e) { body = { error: "not JSON (HTTP " + r.status + ")" }; }
    if (!r.ok) { const err = new Error(body.error || ("HTTP " + r.status)); err.status = r.status; throw err; }
    return body;
  }
  function page(...children) { main.replaceChildren(...children.flat(Infinity)); }
  function failure(e) {
    const text = e.status === 401 ? "This dashboard needs its token: log in above." : "Error: " + e.message;
    page(el("p", { class: "message error", id: "error" }, text));
  }
  function copyButton(text) {
    return el("button", { class: "copy", type: "button", onclick: async (ev) => {
      try { await navigator.clipboard.writeText(text); ev.target.textContent = "copied"; }
      catch (e) { ev.target.textContent = "select and copy"; }
    } }, "copy");
  }
  function reproducer(text) {
    if (!text) return "";
    return el("div", { class: "repro" }, el("code", { class: "reproducer" }, text), copyButton(text));
  }
  function pipelineLink(id, text) { return el("a", { href: "/pipeline?id=" + id }, text || "#" + id); }

  // ---- session: the token box --------------------------------------------
  async function session() {
    const box = document.getElementById("session");
    const form = document.getElementById("login");
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      localStorage.setItem("ci-run-token", document.getElementById("token").value);
      location.reload();
    });
    try {
      const s = await api("/api/session");
      box.textContent = s.authenticated ? "logged in" : (s.actions ? "" : "actions disabled");
      if (s.authenticated) document.getElementById("token").placeholder = "token saved";
    } catch (e) { box.textContent = ""; }
  }

  // ---- pipelines -----------------------------------------------------------
  const kStates = ["", "queued", "running", "waiting", "passed", "failed", "cancelled"];
  async function pipelines() {
    const q = new URLSearchParams();
    for (const k of ["repo", "branch", "state", "before"]) if (params.get(k)) q.set(k, params.get(k));
    const data = await api("/api/pipelines?" + q);
    const input = (name, placeholder) => el("input", { name, placeholder, value: params.get(name) || "" });
    const state = el("select", { name: "state" },
      kStates.map((s) => el("option", { value: s, selected: (params.get("state") || "") === s }, s || "any state")));
    const filters = el("form", { class: "filters", method: "get", action: "/" },
      input("repo", "repository"), input("branch", "branch"), state, el("button", { type: "submit" }, "Filter"));
    const rows = data.pipelines.map((p) => el("tr", { class: "pipeline", "data-id": p.id },
      el("td", {}, pipelineLink(p.id)),
      el("td", {}, p.repo_name), el("td", {}, p.branch),
      el("td", {}, el("code", {}, short(p.commit)), p.dirty ? " (dirty)" : ""),
      el("td", {}, p.title),
      el("td", {}, p.trigger),
      el("td", {}, badge(p.state)),
      el("td", {}, duration(p.duration_ms)),
      el("td", { class: "muted" }, Object.entries(p.jobs).map(([k, n]) => n + " " + k).join(", ")),
      el("td", { class: "muted" }, when(p.created_ms))));
    const next = new URLSearchParams(q);
    if (data.next_before) next.set("before", data.next_before);
    page(el("h1", {}, "Pipelines"), filters,
      el("table", { id: "pipelines" },
        el("thead", {}, el("tr", {}, ["", "repository", "branch", "commit", "message", "trigger", "state",
          "duration", "jobs", "created"].map((h) => el("th", {}, h)))),
        el("tbody", {}, rows)),
      rows.length ? "" : el("p", { class: "muted" }, "No pipeline."),
      data.next_before ? el("p", {}, el("a", { id: "older", href: "/?" + next }, "Older pipelines →")) : "");
  }

  // ---- one pipeline --------------------------------------------------------
  function actionButtons(id) {
    const message = el("span", { class: "message", id: "action-result" });
    const act = (path, label) => el("button", { type: "button", id: "action-" + label.replace(/ /g, "-"),
      onclick: async () => {
        message.className = "message";
        message.textContent = "…";
        try {
          const r = await api(path, { method: "POST" });
          if (r.cancelled !== undefined) {
            message.textContent = r.cancelled + " job(s) cancelled" +
              (r.cancelling ? ", " + r.cancelling + " running job(s) stopping" : "");
          }
          else if (r.pipeline) {
            message.replaceChildren("queued ", pipelineLink(r.pipeline, "pipeline " + r.pipeline),
              " (" + r.jobs + " job(s))");
          } else message.textContent = "nothing to rebuild";
        } catch (e) {
          message.className = "message error";
          message.textContent = (e.status === 401 ? "needs the token: " : "") + e.message;
        }
      } }, label);
    return el("div", { class: "actions" },
      act("/api/rebuild?pipeline=" + id, "rebuild"),
      act("/api/rebuild?pipeline=" + id + "&failed=1", "rebuild failed"),
      act("/api/cancel?pipeline=" + id, "cancel"), message);
  }

  async function pipeline() {
    const id = params.get("id");
    const data = await api("/api/pipeline?id=" + encodeURIComponent(id));
    const p = data.pipeline;
    const byKey = new Map(data.jobs.map((j) => [j.unikernel + "\u0000" + j.cell_label, j]));
    const grid = el("table", { class: "grid", id: "grid" },
      el("thead", {}, el("tr", {}, el("th", {}, ""), data.cells.map((c) => el("th", {}, c)))),
      el("tbody", {}, data.unikernels.map((u) => el("tr", {}, el("th", {}, u), data.cells.map((c) => {
        const j = byKey.get(u + "\u0000" + c);
        if (!j) return el("td", {});
        return el("td", { class: "square" }, el("a", {
          class: "square o-" + j.outcome, "data-outcome": j.outcome, "data-job": j.id, title: j.cause || j.outcome,
          href: "/job?pipeline=" + p.id + "&id=" + j.id }, j.outcome));
      })))));
    const legend = el("p", { class: "legend", id: "counts" }, Object.entries(data.counts).map(([k, n]) =>
      el("span", { "data-outcome": k, "data-count": n }, el("span", { class: "swatch o-" + k }), n + " " + k)));
    const notable = data.jobs.filter((j) => j.cause || (j.reproducer && j.outcome !== "passed"));
    const causes = el("table", { id: "causes" }, el("tbody", {}, notable.map((j) => el("tr", { "data-job": j.id },
      el("td", {}, el("a", { href: "/job?pipeline=" + p.id + "&id=" + j.id }, j.name)),
      el("td", {}, badge(j.outcome)),
      el("td", {}, el("div", { class: "cause" }, j.cause), reproducer(j.reproducer))))));
    page(el("h1", {}, "Pipeline " + p.id + " ", badge(p.state)),
      el("p", {}, p.repo_name + " ", el("code", {}, short(p.commit)), " " + p.branch + " · " + p.trigger +
        " · " + duration(p.duration_ms)),
      el("p", { class: "title" }, p.title),
      actionButtons(p.id), legend, grid,
      notable.length ? [el("h2", {}, "Causes and reproducers"), causes] : "",
      failureSections(data));
    if (["queued", "running", "waiting"].includes(p.state)) setTimeout(() => pipeline().catch(failure), 2000);
  }

  // What the other reports say of a pipeline's failures: groups by
  // signature, culprit bisections, flaky cases with their pass rate.
  function failureSections(data) {
    const out = [];
    const groups = data.failure_groups || [], bisections = data.bisections || [], flaky = data.flaky || [];
    if (groups.length) {
      out.push(el("h2", {}, "Failures by cause"), el("table", { id: "failure-groups" }, el("tbody", {},
        groups.map((g) => el("tr", { "data-cells": g.cells.length },
          el("td", {}, badge(g.outcome)),
          el("td", {}, el("code", { class: "signature" }, shown(g.signature)),
            el("div", { class: "muted" }, g.cells.length + " cell(s): " + g.cells.join(", ")),
            g.first_commit ? el("div", { class: "muted" }, "seen first at " + short(g.first_commit) +
              ", last at " + short(g.last_commit) + ", " + g.seen_cells + " failed cell(s) in all") : ""))))));
    }
    if (bisections.length) {
      out.push(el("h2", {}, "Culprits"), el("table", { id: "bisections" }, el("tbody", {},
        bisections.map((b) => el("tr", { "data-verdict": b.verdict },
          el("td", {}, b.unikernel + " " + b.cell + " " + b.case),
          el("td", {}, b.verdict === "confirmed" ? ["culprit ", el("code", { class: "culprit" }, short(b.culprit))]
            : b.verdict),
          el("td", {}, el("pre", { class: "summary" }, shown(b.summary))))))));
    }
    if (flaky.length) {
      out.push(el("h2", {}, "Flaky"), el("table", { id: "flaky" }, el("tbody", {},
        flaky.map((f) => el("tr", { "data-job": f.job_id },
          el("td", {}, el("a", { href: "/job?pipeline=" + data.pipeline.id + "&id=" + f.job_id }, f.job)),
          el("td", {}, f.step),
          el("td", { class: "pass-rate" }, f.runs ? "on " + f.branch + ": passed " + f.passes + " of " + f.runs +
            " runs (" + Math.round(100 * f.passes / f.runs) + "%) in " + f.pipelines + " pipeline(s)" : ""),
          el("td", { class: "cause" }, f.cause))))));
    }
    return out;
  }

  // ---- one job -------------------------------------------------------------
  // The boot case of step `name` ("boot" -> boots[0], "test:x" -> case x).
  function bootCase(spec, name) {
    if (!spec || !spec.boots) return null;
    if (name === "boot") return spec.boots[0];
    if (name.startsWith("test:")) return spec.boots.find((b) => b.name === name.slice(5)) || null;
    return null;
  }
  function patterns(list) {
    return (list || []).map((p) => { try { return new RegExp(p); } catch (e) { return null; } }).filter(Boolean);
  }

  // A step's log, fetched in pieces; follows the log while the job runs.
  class LogView {
    constructor(pipelineId, jobId, index, step, spec) {
      this.url = "/api/log?pipeline=" + pipelineId + "&job=" + jobId + "&step=" + index;
      const b = bootCase(spec, step.name);
      this.expect = patterns(b && b.expect);
      this.fail = patterns(b && b.fail);
      this.offset = 0;
      this.partial = "";
      this.pre = el("pre", { class: "log", "data-step": index });
      this.more = el("button", { type: "button", class: "more", hidden: true, onclick: () => this.next() }, "more of the log");
      this.node = el("div", {}, this.pre, this.more);
    }
    line(text, last) {
      let cls = "";
      if (this.fail.some((r) => r.test(text))) cls = "fail-line";
      else if (this.expect.some((r) => r.test(text))) cls = "match-line";
      this.pre.append(cls ? el("span", { class: cls }, shown(text) + (last ? "" : "\n"))
        : document.createTextNode(shown(text) + (last ? "" : "\n")));
    }
    async next() {
      const piece = await api(this.url + "&offset=" + this.offset);
      this.offset = piece.next_offset;
      const lines = (this.partial + piece.text).split("\n");
      this.partial = lines.pop();
      for (const l of lines) this.line(l, false);
      const done = piece.next_offset >= piece.total;
      if (done && this.partial) { this.line(this.partial, true); this.partial = ""; }
      this.more.hidden = done;
      this.pre.dataset.loaded = done ? "all" : "part";
    }
  }

  function environment(job, spec, steps) {
    const rows = [["unikernel", job.unikernel], ["cell", job.cell_key], ["compiler", job.compiler],
      ["target", job.target], ["worker", job.worker], ["attempt", job.attempt]];
    if (spec) rows.push(["build command", spec.build], ["image", spec.image], ["path", spec.path]);
    for (const s of steps) {
      if (s.detail && s.detail.toolchain) rows.push(["toolchain", s.detail.toolchain]);
      if (s.detail && s.detail.toolchain_version) rows.push(["toolchain version", s.detail.toolchain_version]);
      if (s.detail && s.detail.cache_key) rows.push(["build cache key", s.detail.cache_key]);
      if (s.command) rows.push([s.name + " command", s.command]);
    }
    return el("dl", { class: "env", id: "environment" },
      rows.filter(([, v]) => v !== "" && v !== undefined && v !== null)
        .map(([k, v]) => [el("dt", {}, k), el("dd", {}, el("code", {}, String(v)))]));
  }

  // The failure excerpts of a job's steps: the lines that matter, the
  // matching line (marked ">") highlighted.
  function excerpts(steps) {
    const withExcerpt = steps.filter((s) => s.excerpt);
    if (!withExcerpt.length) return el("div", { id: "excerpts" });
    return el("div", { id: "excerpts" }, el("h2", {}, "What failed"), withExcerpt.map((s) =>
      el("div", { class: "step" }, el("h3", {}, s.name + " ", badge(s.outcome)),
        el("pre", { class: "excerpt", "data-step": s.name }, s.excerpt.split("\n").map((l) =>
          /^\s*>/.test(l) ? el("span", { class: "fail-line" }, shown(l) + "\n")
            : document.createTextNode(shown(l) + "\n"))))));
  }

  // The job's manifest (job_manifest.h), flattened to "a.b: value" rows.
  function manifest(m) {
    if (!m) return el("div", { id: "manifest" });
    const rows = [];
    (function walk(prefix, v) {
      if (v && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) walk(prefix ? prefix + "." + k : k, x);
      } else rows.push([prefix, v === null ? "" : String(v)]);
    })("", m);
    return el("div", { id: "manifest" }, el("h2", {}, "Manifest"), el("dl", { class: "env" },
      rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, el("code", {}, shown(v)))])));
  }

  async function job() {
    const pipelineId = params.get("pipeline"), jobId = params.get("id");
    const url = "/api/job?pipeline=" + encodeURIComponent(pipelineId) + "&id=" + encodeURIComponent(jobId);
    let data = await api(url);
    const j = data.job;
    const state = el("span", { id: "job-state" }, badge(j.outcome));
    const stepsTable = el("tbody", {});
    const logs = el("div", { id: "logs" });
    const views = [];
    const live = el("p", { id: "live", class: "muted" });
    const liveLog = el("div", { class: "step", id: "live-log" });
    function render(d) {
      state.replaceChildren(badge(d.job.outcome));
      stepsTable.replaceChildren(...d.steps.map((s, i) => el("tr", { class: "step-row", "data-step": i },
        el("td", {}, s.name), el("td", {}, badge(s.outcome)), el("td", {}, duration(s.duration_ms)),
        el("td", {}, duration(s.first_byte_ms)), el("td", {}, duration(s.success_ms)),
        el("td", { class: "cause" }, s.cause, s.branch_runs && s.branch_runs.runs ? el("div", { class: "pass-rate" },
          "on " + s.branch_runs.branch + ": passed " + s.branch_runs.passes + " of " + s.branch_runs.runs +
          " runs in " + s.branch_runs.pipelines + " pipeline(s)") : ""))));
      document.getElementById("excerpts")?.replaceWith(excerpts(d.steps));
      document.getElementById("manifest")?.replaceWith(manifest(d.manifest));
      while (views.length < d.steps.length) {
        const i = views.length, s = d.steps[i];
        const v = new LogView(pipelineId, jobId, i, s, d.spec);
        views.push(v);
        logs.append(el("div", { class: "step" }, el("h3", {}, s.name + " ", badge(s.outcome),
          " " + duration(s.duration_ms) + " · " + s.log_bytes + " bytes"), v.node));
        v.next().catch(failure);
      }
      const running = ["queued", "running", "waiting"].includes(d.job.state);
      live.textContent = running ? "live: the job is " + d.job.state + "; steps appear here as they finish" : "";
      // The console of the step that runs now (as text), kept scrolled to
      // its end unless the reader scrolled up.
      if (running && d.live) {
        const pre = liveLog.querySelector("pre") || el("pre", { class: "log live", id: "live-console" });
        const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
        pre.textContent = shown(d.live.text);
        pre.dataset.step = d.live.step;
        if (atEnd) pre.scrollTop = pre.scrollHeight;
        liveLog.replaceChildren(el("h3", {}, d.live.step + " ", badge("running"),
          " so far"), pre);
      } else liveLog.replaceChildren();
      return running;
    }
    page(el("h1", {}, j.name + " ", state),
      el("p", {}, pipelineLink(j.pipeline_id, "pipeline " + j.pipeline_id), " · " + data.pipeline.repo_name + " ",
        el("code", {}, short(data.pipeline.commit)), " · " + duration(j.duration_ms)),
      el("div", { class: "cause", id: "job-cause" }, j.cause), reproducer(j.reproducer), live,
      el("h2", {}, "Steps"),
      el("table", { id: "steps" }, el("thead", {}, el("tr", {}, ["step", "outcome", "duration", "first byte",
        "success line", "cause"].map((h) => el("th", {}, h)))), stepsTable),
      excerpts(data.steps),
      el("h2", {}, "Environment"), environment(j, data.spec, data.steps), manifest(data.manifest),
      el("h2", {}, "Logs"), logs, liveLog);
    let running = render(data);
    document.body.dataset.ready = "1";
    while (running) {
      await new Promise((r) => setTimeout(r, 1000));
      data = await api(url);
      running = render(data);
      document.getElementById("environment").replaceWith(environment(data.job, data.spec, data.steps));
    }
  }

  // ---- findings ------------------------------------------------------------
  async function findings() {
    const q = new URLSearchParams();
    for (const k of ["repo", "unikernel"]) if (params.get(k)) q.set(k, params.get(k));
    const data = await api("/api/findings?" + q);
    // Two rows a finding: what it is, then its reproducer across the table
    // (a command line as long as the input it boots).
    const rows = data.findings.map((f) => [el("tr", { class: "finding" },
      el("td", {}, f.repo_name), el("td", {}, f.unikernel), el("td", { class: "muted" }, f.cell_key),
      el("td", {}, badge(f.outcome)),
      el("td", { class: "input" }, el("code", { class: "minimised" }, f.command_line),
        f.original !== f.command_line ? el("div", { class: "muted" }, "from ", el("code", {}, f.original)) : ""),
      el("td", { class: "cause" }, f.cause),
      el("td", {}, el("code", { class: "first-commit" }, short(f.first_commit)), " ", pipelineLink(f.first_pipeline)),
      el("td", {}, el("code", { class: "last-commit" }, short(f.last_commit)), " ", pipelineLink(f.last_pipeline)),
      el("td", {}, f.pipelines + " pipeline(s), " + f.hits + " input(s)")),
      el("tr", { class: "finding-repro" }, el("td", { colspan: 9 }, reproducer(f.reproducer)))]);
    page(el("h1", {}, "Fuzz findings"),
      el("form", { class: "filters", method: "get", action: "/findings" },
        el("input", { name: "unikernel", placeholder: "unikernel", value: params.get("unikernel") || "" }),
        el("button", { type: "submit" }, "Filter")),
      el("table", { id: "findings" }, el("thead", {}, el("tr", {}, ["repository", "unikernel", "cell", "outcome",
        "minimised input", "cause", "first seen", "last seen", "seen"].map((h) => el("th", {}, h)))),
        el("tbody", {}, rows)),
      rows.length ? "" : el("p", { class: "muted" }, "No finding."));
  }

  // ---- performance ---------------------------------------------------------
  function seriesQuery(s) {
    return new URLSearchParams({ repo: s.repo, unikernel: s.unikernel, cell: s.cell_key, host: s.host, metric: s.metric });
  }

  // Change points drawn on the chart with their label, so that they read
  // without hovering.
  function markPlugin(marks) {
    return { hooks: { draw: [(u) => {
      const ctx = u.ctx;
      ctx.save();
      for (const m of marks) {
        const x = u.valToPos(m.index, "x", true);
        ctx.strokeStyle = m.verdict === "slower" ? "#cf222e" : "#2da44e";
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = ctx.strokeStyle;
        ctx.font = (12 * devicePixelRatio) + "px sans-serif";
        ctx.fillText(m.label, x + 4 * devicePixelRatio, u.bbox.top + 14 * devicePixelRatio);
      }
      ctx.restore();
    }] } };
  }

  function chart(data, container) {
    const pts = data.points;
    const xs = pts.map((_, i) => i);
    const commits = pts.map((p) => p.commit);
    const marks = [];
    for (const c of data.changes) {
      const index = commits.indexOf(c.commit);
      if (index < 0) continue;
      marks.push({ index, commit: c.commit, verdict: c.verdict,
        label: c.verdict + " ×" + c.ratio.toFixed(2) + " at " + short(c.commit).slice(0, 8) });
    }
    const unit = data.series.unit || "";
    const opts = {
      width: Math.min(1000, Math.max(480, window.innerWidth - 80)), height: 340,
      title: data.series.unikernel + " · " + data.series.metric + " (" + data.series.cell_key + ")",
      scales: { x: { time: false } },
      axes: [
        { values: (u, splits) => splits.map((i) => Number.isInteger(i) && commits[i] ? short(commits[i]).slice(0, 7) : "") },
        { label: data.series.metric + (unit ? " (" + unit + ")" : ""), size: 110, labelSize: 20 },
      ],
      series: [
        { label: "commit", value: (u, i) => (i === null || commits[i] === undefined) ? "" : short(commits[i]) },
        { label: "max", stroke: "rgba(9,105,218,0.3)", points: { show: false } },
        { label: "median", stroke: "#0969da", width: 2, points: { show: true, size: 7 } },
        { label: "min", stroke: "rgba(9,105,218,0.3)", points: { show: false } },
      ],
      bands: [{ series: [1, 3], fill: "rgba(9,105,218,0.12)" }],
      plugins: [markPlugin(marks)],
    };
    const plot = new uPlot(opts, [xs, pts.map((p) => p.max), pts.map((p) => p.median), pts.map((p) => p.min)], container);
    // What the chart shows, for tests and for other scripts.
    container.dataset.commits = commits.join(",");
    container.dataset.marks = marks.map((m) => m.index + ":" + m.commit).join(",");
    window.cirunCharts = (window.cirunCharts || []).concat([{ plot, commits, marks }]);
  }

  async function perfSeries() {
    const q = new URLSearchParams();
    for (const k of ["repo", "unikernel", "cell", "host", "metric", "rev"]) q.set(k, params.get(k) || "");
    const data = await api("/api/perf/series?" + q);
    const box = el("div", { class: "chart", id: "chart" });
    const changes = el("table", { id: "changes" },
      el("thead", {}, el("tr", {}, ["commit", "compared with", "verdict", "ratio (95% interval)", "medians", "source",
        "reproducer"].map((h) => el("th", {}, h)))),
      el("tbody", {}, data.changes.map((c) => el("tr", { class: "change", "data-commit": c.commit, "data-source": c.source },
        el("td", {}, el("code", {}, short(c.commit))), el("td", {}, el("code", {}, short(c.base_commit))),
        el("td", {}, badge(c.verdict === "slower" ? "failed" : "passed"), " " + c.verdict),
        el("td", {}, "×" + c.ratio.toFixed(3) + (c.ci_high ? " (" + c.ci_low.toFixed(3) + "–" + c.ci_high.toFixed(3) + ")" : "")),
        el("td", {}, c.base_median.toFixed(2) + " → " + c.head_median.toFixed(2) + " " + (data.series.unit || "")),
        el("td", {}, c.source), el("td", {}, reproducer(c.reproducer))))));
    const history = data.changes.filter((c) => c.source === "history");
    const culprits = el("ul", { id: "culprits" }, history.map((c) =>
      el("li", {}, c.verdict + " ×" + c.ratio.toFixed(2) + ": culprit ", el("code", { class: "culprit" }, c.commit))));
    page(el("h1", {}, "Performance: " + data.series.unikernel + " " + data.series.metric),
      el("p", {}, el("a", { href: "/perf" }, "← every series"), " · " + data.series.repo + " · " +
        data.series.cell_key + " · host " + data.series.host + " · " + data.points.length + " commits, " +
        (data.order === "history" ? "along the branch's first-parent history (" + (params.get("rev") || "HEAD") + "), oldest first"
          : "in the order they were measured")),
      box, history.length ? [el("h2", {}, "Change points and culprits"), culprits] : "",
      el("h2", {}, "Changes (history change points and pull request comparisons)"), changes);
    chart(data, box);
  }

  async function perf() {
    if (params.get("metric")) return perfSeries();
    const data = await api("/api/perf");
    page(el("h1", {}, "Performance"),
      el("table", { id: "series" }, el("thead", {}, el("tr", {}, ["repository", "unikernel", "cell", "host", "metric",
        "changes"].map((h) => el("th", {}, h)))),
        el("tbody", {}, data.series.map((s) => el("tr", {},
          el("td", {}, s.repo), el("td", {}, el("a", { class: "series", href: "/perf?" + seriesQuery(s) }, s.unikernel)),
          el("td", {}, s.cell_key), el("td", {}, s.host), el("td", {}, s.metric), el("td", {}, s.changes))))),
      data.series.length ? "" : el("p", { class: "muted" }, "No benchmark sample yet."));
  }

  const routes = { "/": pipelines, "/pipeline": pipeline, "/job": job, "/findings": findings, "/perf": perf };
  session();
  (routes[location.pathname] || pipelines)().then(() => { document.body.dataset.ready = "1"; })
    .catch((e) => { failure(e); document.body.dataset.ready = "1"; });
})();
