#include "runner/store/store.h"

#include <limits>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "runner/store/postgres_store.h"
#include "runner/store/sqlite_store.h"
#include "runner/store/store_labels.h"

namespace cirun {

const char* JobStateName(JobState state) {
  switch (state) {
    case JobState::kQueued:
      return "queued";
    case JobState::kRunning:
      return "running";
    case JobState::kPassed:
      return "passed";
    case JobState::kFailed:
      return "failed";
    case JobState::kSkipped:
      return "skipped";
    case JobState::kInfra:
      return "infra";
    case JobState::kCancelled:
      return "cancelled";
    case JobState::kWaiting:
      return "waiting";
  }
  return "unknown";
}

std::optional<JobState> ParseJobState(const std::string& name) {
  for (JobState s : kJobStates) {
    if (name == JobStateName(s)) return s;
  }
  return std::nullopt;
}

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string JoinLabels(const std::vector<std::string>& labels) {
  std::string out;
  for (const auto& l : labels) out += (out.empty() ? "" : " ") + l;
  return out;
}

std::vector<std::string> SplitLabels(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; in >> l;) out.push_back(l);
  return out;
}

bool LabelsSatisfied(const std::vector<std::string>& required,
                     const std::vector<std::string>& offered) {
  return std::all_of(required.begin(), required.end(), [&](const std::string& l) {
    return std::find(offered.begin(), offered.end(), l) != offered.end();
  });
}

std::vector<std::string> WorkersOffering(const std::vector<std::string>& required,
                                         const std::vector<WorkerRecord>& workers) {
  std::vector<std::string> names;
  for (const WorkerRecord& w : workers)
    if (LabelsSatisfied(required, w.labels)) names.push_back(w.name);
  return names;
}

bool OfferedByAny(const std::vector<std::string>& required,
                  const std::vector<WorkerRecord>& workers) {
  return !WorkersOffering(required, workers).empty();
}

std::string PipelineStateFromCounts(const std::map<std::string, int64_t>& counts) {
  auto count = [&](const char* s) {
    auto it = counts.find(s);
    return it == counts.end() ? 0 : it->second;
  };
  int64_t total = 0;
  for (const auto& [_, n] : counts) total += n;
  if (count("queued") + count("running") > 0) {
    return count("queued") == total ? "queued" : "running";
  }
  if (count("waiting") > 0) return "waiting";
  if (count("failed") + count("infra") > 0) return "failed";
  if (count("cancelled") > 0) return "cancelled";
  return "passed";
}

namespace {
Status NoPerfTables() {
  return Status::Unavailable("this store does not keep benchmark samples yet");
}
}  // namespace

Status Store::AddSamples(const std::vector<SampleRecord>&) {
  return NoPerfTables();
}
Result<std::vector<SampleRecord>> Store::ListSamples(const SampleQuery&) {
  return NoPerfTables();
}
Status Store::AddCaseRun(const CaseRunRecord&) {
  return Status::Unavailable("this store keeps no case runs");
}
Result<std::vector<CaseRunRecord>> Store::ListCaseRuns(const std::string&, const std::string&) {
  return Status::Unavailable("this store keeps no case runs");
}
Status Store::SetClockForTesting(std::optional<int64_t>) {
  return Status::Unavailable("this store has no test clock");
}
Result<int64_t> Store::AddBisection(const BisectionRecord&) {
  return Status::Unavailable("this store keeps no bisections");
}
Result<std::vector<BisectionRecord>> Store::ListBisections(const std::string&, int) {
  return Status::Unavailable("this store keeps no bisections");
}
Status Store::NoteFailureSignature(const std::string&, const std::string&, const std::string&,
                                   int64_t) {
  return Status::Unavailable("this store keeps no failure signatures");
}
Result<std::vector<FailureSignatureRecord>> Store::ListFailureSignatures(const std::string&) {
  return Status::Unavailable("this store keeps no failure signatures");
}

Result<int64_t> Store::AddPerfChange(const PerfChangeRecord&) {
  return NoPerfTables();
}
Result<std::vector<PerfChangeRecord>> Store::ListPerfChanges(const std::string&, int) {
  return NoPerfTables();
}

Result<std::vector<SampleQuery>> Store::ListSampleSeries() {
  return NoPerfTables();
}

Status Store::SetLiveLog(const LiveLog&) {
  return Status::Ok();
}
Result<std::optional<LiveLog>> Store::GetLiveLog(int64_t) {
  return std::optional<LiveLog>();
}
Status Store::ClearLiveLog(int64_t) {
  return Status::Ok();
}

bool PipelineMatches(const PipelineQuery& q, const PipelineRecord& p) {
  if (q.before_id > 0 && p.id >= q.before_id) return false;
  if (!q.repo_name.empty() && p.repo_name != q.repo_name) return false;
  if (!q.state.empty() && p.state != q.state) return false;
  if (!q.branch.empty() && p.ref != q.branch && p.ref != "refs/heads/" + q.branch) return false;
  return true;
}

Result<std::vector<PipelineRecord>> Store::ListPipelinesPage(const PipelineQuery& q) {
  auto all = ListPipelines(std::numeric_limits<int>::max());
  if (!all.ok()) return all.status();
  std::vector<PipelineRecord> out;
  for (PipelineRecord& p : *all) {
    if (static_cast<int>(out.size()) >= q.limit) break;
    if (PipelineMatches(q, p)) out.push_back(std::move(p));
  }
  return out;
}

namespace {
Status NoManifestTable() {
  return Status::Unavailable("this store does not keep job manifests");
}
}  // namespace

Status Store::AddManifest(const ManifestRecord&) {
  return NoManifestTable();
}
Result<std::optional<ManifestRecord>> Store::GetManifest(int64_t) {
  return NoManifestTable();
}
Result<std::vector<ManifestRecord>> Store::FindManifests(const ManifestQuery&) {
  return NoManifestTable();
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return OpenPostgresStore(url);
  }
  if (url.find("://") != std::string::npos) {
    return Status::InvalidArgument("unknown database URL \"" + url +
                                   "\": expected a SQLite path, sqlite:PATH or postgresql://...");
  }
  std::string path = url.starts_with("sqlite:") ? url.substr(7) : url;
  return OpenSqliteStore(path);
}

}  // namespace cirun
