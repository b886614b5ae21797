// DashboardJson: the JSON behind every page of the web dashboard, read from
// the store (docs/dashboard.md documents each document's fields). Read-only:
// nothing here writes to the store. Console bytes are passed through as JSON
// strings (invalid UTF-8 replaced); the pages insert them as text, never as
// markup.
//
// Thread-safety: as the store's (every function may run on any thread).
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "runner/store/store.h"

namespace cirun {

/// {"pipelines": [...], "next_before": ID|null}: a page of pipelines, newest
/// first, each with its job counts by outcome. `next_before` is the
/// `before` of the next page (null on the last one). Store errors pass
/// through.
Result<std::string> PipelinesJson(Store& store, const PipelineQuery& query);

/// {"pipeline": {...}, "unikernels": [...], "cells": [...], "jobs": [...],
/// "counts": {OUTCOME: N}}: one pipeline as a grid. Each job has its
/// `outcome` (the step outcome that decided it: crashed, hung, rejected, or
/// the job state; "cached" for a passed job whose build was cached), its
/// one-line cause and reproducer. NotFound for an unknown pipeline.
Result<std::string> PipelineJson(Store& store, int64_t pipeline_id);

/// {"job": {...}, "pipeline": {...}, "spec": {...}, "steps": [...], "live":
/// ...}: one job with its steps (durations, command, outcome, cause, detail,
/// log size; not the logs themselves, see LogPieceJson) and the spec it ran
/// (toolchain, target, build command, boot cases); `live` is null or, while
/// the job runs, {"step", "text", "updated_ms"}: the console so far of the
/// step that runs now (Store::GetLiveLog). NotFound for an unknown job or a job
/// of another pipeline (the store looks jobs up by pipeline).
Result<std::string> JobJson(Store& store, int64_t pipeline_id, int64_t job_id);

/// The largest log piece LogPieceJson sends at once.
inline constexpr size_t kMaxLogPiece = 1 << 20;

/// {"text": ..., "offset": N, "next_offset": N, "total": N, "running": bool}:
/// at most `limit` bytes (capped at kMaxLogPiece) of the log of step number
/// `step` (in ListSteps order) of `job_id`, from byte `offset`, ending on a
/// UTF-8 boundary. A step number past the last step gives an empty piece
/// (the step has not finished yet) with `running` telling whether the job
/// still runs. NotFound for an unknown job.
Result<std::string> LogPieceJson(Store& store, int64_t pipeline_id, int64_t job_id, size_t step,
                                 size_t offset, size_t limit);

/// {"findings": [...]}: the fuzz findings of the newest `scan` pipelines
/// (of `repo_name` if given, of `unikernel` if given), deduplicated by
/// (repository, unikernel, signature): the newest record's minimised input,
/// outcome, cause and reproducer, the first and last commit that showed it,
/// how many pipelines and inputs did.
Result<std::string> FindingsJson(Store& store, const std::string& repo_name,
                                 const std::string& unikernel, int scan = 500);

/// {"series": [{repo, unikernel, cell_key, host, metric, changes}]}: every
/// benchmark series with samples, and how many changes it has.
Result<std::string> PerfSeriesListJson(Store& store);

/// {"series": {...}, "points": [{commit, median, min, max, n, first_ms}],
/// "changes": [...], "order": "history"|"measured"}: one series along its
/// commits, each point's median and spread, and the changes found on it
/// (history change points with their culprit commit, pull request
/// comparisons with their base). The points follow `history` (a branch's
/// first-parent history, newest first) oldest first where it names their
/// commits, then the others in the order they were first measured; with
/// no `history`, all in that order.
Result<std::string> PerfSeriesJson(Store& store, const SampleQuery& series,
                                   const std::vector<std::string>& history = {});

}  // namespace cirun
