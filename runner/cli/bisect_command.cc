#include "runner/cli/bisect_command.h"

#include "runner/pipeline/run_flags.h"

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "runner/common/exit_code.h"
#include "runner/perf/cell_bisect.h"

namespace cirun {
namespace {

struct BisectOptionsCli {
  PerfOptions perf;
  std::string good, bad = "HEAD";
  std::string only, unikernel, case_name;
  int confirm = 3;
};

nlohmann::json BisectionJson(const BisectionRecord& b) {
  return {{"id", b.id},          {"repo", b.repo},       {"unikernel", b.unikernel},
          {"cell", b.cell_key},  {"case", b.case_name},  {"good", b.good},
          {"bad", b.bad},        {"verdict", b.verdict}, {"culprit", b.culprit},
          {"summary", b.summary}};
}

int RunBisect(const BisectOptionsCli& o) {
  auto session = PerfSession::Open(o.perf, o.bad, /*allow_dirty=*/false);
  if (!session.ok()) {
    fprintf(stderr, "ci-run: %s\n", session.status().message().c_str());
    return kExitUsage;
  }
  CellBisectRequest request;
  request.what = {o.unikernel, o.only, o.case_name};
  request.good = o.good;
  request.bad = o.bad;
  request.confirmations = o.confirm;
  if (request.what.case_name.empty()) {
    // The case that fails at the bad end, as the pipeline would find it.
    auto bad = (*session)->ResolveCommit(o.bad);
    if (!bad.ok()) {
      fprintf(stderr, "ci-run: --bad %s: %s\n", o.bad.c_str(), bad.status().message().c_str());
      return kExitUsage;
    }
    printf("Finding the failing case of %s %s at %s\n", o.unikernel.c_str(), o.only.c_str(),
           bad->substr(0, 12).c_str());
    auto found = FailingCaseAt(**session, request.what, *bad);
    if (!found.ok()) {
      fprintf(stderr, "ci-run: %s\n", found.status().message().c_str());
      return found.status().code() == Status::Code::kNotFound ? kExitFailed : kExitUsage;
    }
    request.what.case_name = *found;
  }
  auto result = BisectCell(**session, request);
  if (!result.ok()) {
    fprintf(stderr, "ci-run: %s\n", result.status().message().c_str());
    return result.status().code() == Status::Code::kCancelled ? kExitInterrupted : kExitUsage;
  }
  if (!o.perf.json.empty()) {
    std::ofstream out(o.perf.json);
    out << BisectionJson(*result).dump(2) << "\n";
    if (!out) fprintf(stderr, "ci-run: cannot write %s\n", o.perf.json.c_str());
  }
  return result->verdict == "confirmed" ? kExitPassed : kExitFailed;
}

}  // namespace

void SetupBisectCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<BisectOptionsCli>();
  sub->add_option("location", o->perf.location, "work tree, repository path or URL (default: .)");
  sub->add_option("--good", o->good, "a commit where the case passed")->required();
  sub->add_option("--bad", o->bad, "a commit where it fails (default: HEAD)");
  sub->add_option("--only", o->only, "the cell, e.g. compiler=gcc,target=virtio")->required();
  sub->add_option("--unikernel", o->unikernel, "the unikernel")->required();
  sub->add_option("--case", o->case_name,
                  "build, boot or test:NAME (default: the first that fails at --bad)");
  sub->add_option("--confirm", o->confirm,
                  "runs of the culprit (must all fail) and of its parent (must all pass); "
                  "default 3")
      ->check(CLI::Range(1, 100));
  AddRunFlags(sub, &o->perf.run);
  sub->add_option("--json", o->perf.json, "write the result as JSON to FILE");
  sub->add_flag("--no-cache", o->perf.no_cache,
                "build everything, and do not fill the build cache");
  sub->add_flag("--no-sandbox", o->perf.no_sandbox,
                "run builds and boots unboxed (see docs/sandbox.md)");
  sub->callback([o, exit_code] { *exit_code = RunBisect(*o); });
}

}  // namespace cirun
