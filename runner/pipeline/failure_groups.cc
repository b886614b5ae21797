#include "runner/pipeline/failure_groups.h"

#include <algorithm>
#include <map>

#include "harness/finding_signature.h"
#include "runner/pipeline/failure_lines.h"
#include "runner/pipeline/job_spec_json.h"

namespace cirun {
namespace {

constexpr size_t kSignatureBytes = 160;

std::vector<std::string> CellValues(const JobReport& j) {
  std::vector<std::string> values;
  auto plan = JobPlanFromJson(j.job.spec_json);
  if (plan.ok())
    for (const auto& [key, value] : plan->cell.values) values.push_back(value);
  return values;
}

// Every occurrence of a cell value of 3 or more bytes replaced by "<cell>"
// (longest first).
std::string MaskCell(std::string text, std::vector<std::string> values) {
  std::sort(values.begin(), values.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& v : values) {
    if (v.size() < 3) continue;
    for (size_t at = text.find(v); at != std::string::npos; at = text.find(v, at + 6))
      text.replace(at, v.size(), "<cell>");
  }
  return text;
}

std::string List(const std::vector<std::string>& items, size_t max) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < max; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > max) out += ", ... " + std::to_string(items.size() - max) + " more";
  return out;
}

}  // namespace

std::string FailureSignature(const std::string& outcome, const std::string& cause,
                             const std::vector<std::string>& cell_values) {
  // NormaliseConsoleLine cuts to 120 bytes: the cause goes through in pieces.
  const std::string masked = MaskCell(cause, cell_values);
  std::string normal;
  for (size_t at = 0; at < masked.size() && normal.size() < kSignatureBytes; at += 100)
    normal += NormaliseConsoleLine(std::string_view(masked).substr(at, 100), {});
  return outcome + ": " + normal.substr(0, kSignatureBytes);
}

std::vector<FailureGroup> GroupFailures(const PipelineReport& report) {
  std::vector<FailureGroup> groups;
  std::map<std::string, size_t> index;
  for (const JobReport& j : report.jobs) {
    if (j.job.state != JobState::kFailed) continue;
    const StepRecord* s = DecidingStep(j);
    if (!s) continue;
    const std::string signature = FailureSignature(s->outcome, s->cause, CellValues(j));
    auto [it, added] = index.emplace(signature, groups.size());
    if (added) groups.push_back({signature, s->outcome, s->cause, {}, {}});
    groups[it->second].cells.push_back(j.job.cell_label);
    groups[it->second].jobs.push_back(j.job.name);
  }
  return groups;
}

namespace {

// The stored record of `signature`, or null.
const FailureSignatureRecord* Stored(const PipelineReport& r, const std::string& signature) {
  for (const FailureSignatureRecord& rec : r.signatures)
    if (rec.signature == signature) return &rec;
  return nullptr;
}

// True if the stored record shows the signature at a commit other than the
// report's.
bool SeenElsewhere(const PipelineReport& r, const FailureSignatureRecord* rec) {
  return rec && (rec->first_commit != r.pipeline.commit || rec->last_commit != r.pipeline.commit);
}

}  // namespace

void PrintFailureGroups(FILE* out, const PipelineReport& report) {
  const std::vector<FailureGroup> groups = GroupFailures(report);
  bool worth = false;
  for (const FailureGroup& g : groups)
    worth = worth || g.jobs.size() > 1 || SeenElsewhere(report, Stored(report, g.signature));
  if (!worth) return;
  fprintf(out, "\nFailures by cause:\n");
  for (const FailureGroup& g : groups) {
    fprintf(out, "  %s: %s, %zu cell%s (%s)\n", g.outcome.c_str(), g.example.c_str(), g.jobs.size(),
            g.jobs.size() == 1 ? "" : "s", List(g.jobs, 12).c_str());
    const FailureSignatureRecord* rec = Stored(report, g.signature);
    if (SeenElsewhere(report, rec)) {
      fprintf(out, "    seen first at %s, last at %s, %lld failed cell%s in all\n",
              rec->first_commit.substr(0, 12).c_str(), rec->last_commit.substr(0, 12).c_str(),
              static_cast<long long>(rec->cells), rec->cells == 1 ? "" : "s");
    }
  }
}

nlohmann::json FailureGroupsJson(const PipelineReport& report) {
  nlohmann::json list = nlohmann::json::array();
  for (const FailureGroup& g : GroupFailures(report)) {
    nlohmann::json item = {{"signature", g.signature},
                           {"outcome", g.outcome},
                           {"example", g.example},
                           {"cells", g.cells},
                           {"jobs", g.jobs}};
    if (const FailureSignatureRecord* rec = Stored(report, g.signature)) {
      item["first_commit"] = rec->first_commit;
      item["last_commit"] = rec->last_commit;
      item["seen_cells"] = rec->cells;
    }
    list.push_back(item);
  }
  return list;
}

std::vector<FailureSignatureRecord> StoredSignatures(Store& store, const PipelineReport& report) {
  std::vector<FailureSignatureRecord> out;
  const std::vector<FailureGroup> groups = GroupFailures(report);
  if (groups.empty()) return out;
  auto all = store.ListFailureSignatures(report.pipeline.repo);
  if (!all.ok()) return out;
  for (const FailureSignatureRecord& rec : *all) {
    for (const FailureGroup& g : groups)
      if (g.signature == rec.signature) out.push_back(rec);
  }
  return out;
}

Status RecordFailureSignatures(Store& store, PipelineReport* report) {
  if (report->pipeline.dirty) return Status::Ok();
  for (const FailureGroup& g : GroupFailures(*report)) {
    Status s =
        store.NoteFailureSignature(report->pipeline.repo, g.signature, report->pipeline.commit,
                                   static_cast<int64_t>(g.jobs.size()));
    if (s.code() == Status::Code::kUnavailable) return Status::Ok();
    CIRUN_RETURN_IF_ERROR(s);
  }
  report->signatures = StoredSignatures(store, *report);
  return Status::Ok();
}

}  // namespace cirun
