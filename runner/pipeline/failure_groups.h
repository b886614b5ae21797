// FailureGroups: one failure seen in many cells, told once: failed jobs
// grouped by a signature (the deciding step's outcome and its normalised
// cause: numbers, addresses and quoted values masked, as fuzz findings'
// signatures are), with the cells listed.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runner/pipeline/pipeline_report.h"

namespace cirun {

struct FailureGroup {
  std::string signature;           // "crashed: crash signature /PANIC/ matched: \"PANIC: fault #\""
  std::string outcome;             // the deciding step's outcome
  std::string example;             // the cause of its first job, as it was
  std::vector<std::string> cells;  // cell labels ("gcc/virtio"), in report order
  std::vector<std::string> jobs;   // job names, in report order
};

/// The signature of a failed step: "<outcome>: <cause>", the cause with
/// what varies between two runs of one defect masked (NormaliseConsoleLine:
/// hexadecimal numbers "0x#", other digit runs "#") and cut to 160 bytes.
/// The cell's own values (its target, its compiler) are masked too as
/// "<cell>", so one defect on every target is one signature.
std::string FailureSignature(const std::string& outcome, const std::string& cause,
                             const std::vector<std::string>& cell_values = {});

/// The failed jobs of `report` (state failed, with a deciding step), grouped
/// by FailureSignature; groups in order of their first job.
std::vector<FailureGroup> GroupFailures(const PipelineReport& report);

/// The "Failures by cause:" section of the summary, when some cause is
/// shared by two or more cells or was seen at an earlier commit: "  crashed:
/// <example>, 6 cells (hello gcc/virtio, hello clang/virtio, ...)", then,
/// when report.signatures knows the signature from another commit, "    seen
/// first at <commit>, last at <commit>, N failed cells in all". Nothing
/// otherwise.
void PrintFailureGroups(FILE* out, const PipelineReport& report);

/// The groups as JSON (PipelineJson's "failure_groups"): signature,
/// outcome, example, cells, jobs, and first_commit / last_commit / seen_cells
/// when report.signatures has them. An empty array without failures.
nlohmann::json FailureGroupsJson(const PipelineReport& report);

/// The stored records (ListFailureSignatures) of the signatures of
/// `report`'s groups; none when the store keeps no signatures.
std::vector<FailureSignatureRecord> StoredSignatures(Store& store, const PipelineReport& report);

/// Notes every group of `report` in `store` (NoteFailureSignature) under the
/// pipeline's repository and commit, then reloads report->signatures.
/// Dirty work trees are not noted. Errors other than a store without
/// signatures are returned.
Status RecordFailureSignatures(Store& store, PipelineReport* report);

}  // namespace cirun
