#include "runner/cli/approve_command.h"

#include <cstdio>

#include "runner/common/exit_code.h"

namespace cirun {

int RunApprove(const ApproveOptions& o) {
  auto opened = OpenStoreFromFlags(o.store);
  if (!opened.ok()) {
    return ReportError("ci-run approve", opened.status());
  }
  Store& store = *opened->store;
  auto pipeline = store.GetPipeline(o.pipeline);
  if (!pipeline.ok()) {
    return ReportError("ci-run approve", pipeline.status());
  }
  if (pipeline->state != "waiting") {
    fprintf(stderr, "ci-run approve: pipeline %lld is not waiting for approval (it is %s)\n",
            static_cast<long long>(o.pipeline), pipeline->state.c_str());
    return 2;
  }
  auto queued = store.ApprovePipeline(o.pipeline);
  if (!queued.ok()) {
    return ReportError("ci-run approve", queued.status());
  }
  printf("pipeline %lld (%s %s %s %s) approved: %d jobs queued\n",
         static_cast<long long>(o.pipeline), pipeline->trigger.c_str(), pipeline->repo_name.c_str(),
         pipeline->ref.c_str(), pipeline->commit.substr(0, 12).c_str(), *queued);
  return 0;
}

void SetupApproveCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<ApproveOptions>();
  sub->add_option("pipeline", o->pipeline, "the pipeline waiting for approval")->required();
  AddStoreFlags(sub, &o->store);
  sub->callback([o, exit_code] { *exit_code = RunApprove(*o); });
}

}  // namespace cirun
