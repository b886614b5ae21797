#include "runner/perf/cell_bisect.h"

#include <cstdio>
#include <filesystem>
#include <map>

#include "runner/pipeline/failure_lines.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxRange = 10000;  // commits of first-parent history searched for `good`

std::string Short(const std::string& commit) {
  return commit.substr(0, 12);
}

// The first-parent range good..bad, oldest first (both ends included).
Result<std::vector<std::string>> Range(const GitMirror& mirror, const std::string& good,
                                       const std::string& bad) {
  auto history = mirror.FirstParentHistory(bad, kMaxRange);
  if (!history.ok()) return history.status();
  std::vector<std::string> range;
  for (const std::string& c : *history) {
    range.insert(range.begin(), c);
    if (c == good) return range;
  }
  return Status::InvalidArgument(Short(good) + " is not on the first-parent history of " +
                                 Short(bad));
}

// How `session` reads the configuration at a commit: its override, or the
// commit's own .ci-run.yml.
ConfigAt SessionConfig(PerfSession& session) {
  return [&session](const std::string& commit) -> Result<std::pair<std::string, std::string>> {
    if (!session.options().run.config.empty())
      return std::make_pair(session.source().config_text, session.source().config_file);
    auto mirror = session.Mirror();
    if (!mirror.ok()) return mirror.status();
    auto text = mirror->ReadFile(commit, ".ci-run.yml");
    if (!text.ok()) return text.status();
    return std::make_pair(*text, Short(commit) + ":.ci-run.yml");
  };
}

// Reports each test as it ends.
class PrintingTester final : public CommitTester {
 public:
  PrintingTester(CommitTester& inner, PerfSession& session) : inner_(inner), session_(session) {}
  CommitTest Test(const std::string& commit) override {
    printf("  testing %s ... ", session_.Describe(commit).c_str());
    fflush(stdout);
    CommitTest t = inner_.Test(commit);
    const char* verdict = t.verdict == CommitVerdict::kPassed   ? "passed"
                          : t.verdict == CommitVerdict::kFailed ? "failed"
                                                                : "untestable";
    printf("%s%s%s\n", verdict, t.cause.empty() ? "" : ": ", t.cause.c_str());
    fflush(stdout);
    return t;
  }

 private:
  CommitTester& inner_;
  PerfSession& session_;
};

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

}  // namespace

Result<BisectionRecord> BisectCell(PerfSession& session, const CellBisectRequest& request) {
  auto mirror = session.Mirror();
  if (!mirror.ok()) return mirror.status();
  auto good = mirror->ResolveCommit(request.good);
  if (!good.ok()) return good.status().WithContext("--good " + request.good);
  auto bad = mirror->ResolveCommit(request.bad);
  if (!bad.ok()) return bad.status().WithContext("--bad " + request.bad);
  auto range = Range(*mirror, *good, *bad);
  if (!range.ok()) return range.status();
  const CellCase& what = request.what;
  printf("Bisecting %s %s, case %s: %zu commits from %s (good) to %s (bad)\n",
         what.unikernel.c_str(), what.cell_key.c_str(), what.case_name.c_str(), range->size(),
         Short(*good).c_str(), Short(*bad).c_str());
  fflush(stdout);
  PipelineRecord pipeline;
  pipeline.repo = session.repo();
  pipeline.repo_name = session.source().info.repo_name;
  const std::string work_root =
      session.env().work_root + "/bisect-" + std::to_string(request.pipeline_id);
  FailureBisection found;
  {
    CellTester cells(session.env(), pipeline, what, SessionConfig(session), work_root,
                     &session.cancel());
    PrintingTester tester(cells, session);
    found = BisectFailure(*range, tester, {request.confirmations});
  }
  std::error_code ec;
  fs::remove_all(work_root, ec);
  if (session.cancel().cancelled()) return Status::Cancelled("interrupted");
  BisectionRecord r;
  r.pipeline_id = request.pipeline_id;
  r.repo = session.repo();
  r.unikernel = what.unikernel;
  r.cell_key = what.cell_key;
  r.case_name = what.case_name;
  r.good = *good;
  r.bad = *bad;
  r.verdict = found.Verdict();
  r.culprit = found.confirmed ? found.culprit : "";
  r.summary = (found.confirmed ? "" : found.why + "\n") + Join(found.seen);
  if (found.confirmed) {
    printf("Culprit (confirmed: failed %d of %d runs, its parent passed %d of %d): %s\n",
           request.confirmations, request.confirmations, request.confirmations,
           request.confirmations, session.Describe(found.culprit).c_str());
  } else {
    printf("Not confirmed: %s\n", found.why.c_str());
  }
  auto id = session.store().AddBisection(r);
  if (id.ok()) {
    r.id = *id;
  } else {
    fprintf(stderr, "ci-run: warning: the bisection is not stored: %s\n",
            id.status().message().c_str());
  }
  return r;
}

Result<std::string> FailingCaseAt(PerfSession& session, const CellCase& what,
                                  const std::string& commit) {
  PipelineRecord pipeline;
  pipeline.repo = session.repo();
  pipeline.repo_name = session.source().info.repo_name;
  const std::string work_root = session.env().work_root + "/bisect-case";
  Result<std::string> found = Status::Internal("not run");
  {
    CellTester cells(session.env(), pipeline, what, SessionConfig(session), work_root,
                     &session.cancel());
    found = cells.FindFailingCase(commit);
  }
  std::error_code ec;
  fs::remove_all(work_root, ec);
  return found;
}

std::vector<CellBisectRequest> NewFailures(Store& store, const PipelineReport& report,
                                           const std::vector<std::string>& history) {
  std::vector<CellBisectRequest> out;
  const PipelineRecord& p = report.pipeline;
  if (p.dirty) return out;
  std::map<std::string, size_t> position;  // commit -> distance from p.commit
  for (size_t i = 0; i < history.size(); ++i) position.emplace(history[i], i);
  auto earlier = store.ListPipelines(1000);
  if (!earlier.ok()) return out;
  for (const JobReport& j : report.jobs) {
    if (j.job.state != JobState::kFailed) continue;
    const StepRecord* decided = DecidingStep(j);
    if (!decided || decided->outcome == "flaky") continue;
    std::string good;
    size_t nearest = history.size();
    for (const PipelineRecord& e : *earlier) {
      if (e.repo != p.repo || e.dirty || e.commit == p.commit || e.id == p.id) continue;
      auto at = position.find(e.commit);
      if (at == position.end() || at->second >= nearest) continue;
      auto jobs = store.ListJobs(e.id);
      if (!jobs.ok()) continue;
      for (const JobRecord& other : *jobs) {
        if (other.unikernel == j.job.unikernel && other.cell_key == j.job.cell_key &&
            other.state == JobState::kPassed) {
          good = e.commit;
          nearest = at->second;
        }
      }
    }
    if (good.empty()) continue;
    CellBisectRequest r;
    r.what = {j.job.unikernel, j.job.cell_key, decided->name};
    r.good = good;
    r.bad = p.commit;
    r.pipeline_id = p.id;
    out.push_back(r);
  }
  return out;
}

Result<std::vector<CellBisectRequest>> NewFailuresOf(PerfSession& session,
                                                     const PipelineReport& report) {
  auto mirror = session.Mirror();
  if (!mirror.ok()) return mirror.status();
  auto history = mirror->FirstParentHistory(report.pipeline.commit, kMaxRange);
  if (!history.ok()) return history.status();
  return NewFailures(session.store(), report, *history);
}

void BisectNewFailures(PerfSession& session, int64_t pipeline_id, int limit) {
  auto report = LoadPipelineReport(session.store(), pipeline_id);
  if (!report.ok()) return;
  auto found = NewFailuresOf(session, *report);
  if (!found.ok() || found->empty()) return;
  const std::vector<CellBisectRequest>& failures = *found;
  printf("\n%zu cell%s passed on an earlier commit and fail%s now: searching for the culprit%s\n",
         failures.size(), failures.size() == 1 ? "" : "s", failures.size() == 1 ? "s" : "",
         failures.size() == 1 ? "" : "s");
  int done = 0;
  for (const CellBisectRequest& r : failures) {
    if (done++ >= limit) {
      printf("(%zu more not bisected: at most %d after a pipeline)\n", failures.size() - limit,
             limit);
      break;
    }
    auto result = BisectCell(session, r);
    if (!result.ok()) printf("bisection failed: %s\n", result.status().message().c_str());
    if (session.cancel().cancelled()) return;
  }
}

}  // namespace cirun
