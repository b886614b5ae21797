// FailureSignatureRecorder: the service's side of "one failure, many
// cells": when a pipeline finishes, its failed cells' signatures are noted
// in the store (failure_groups.h), so their first and last commits are kept
// for nightly and push pipelines as for `ci-run local`.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "runner/service/pipeline_watcher.h"
#include "runner/store/store.h"

namespace cirun {

class FailureSignatureRecorder final : public PipelineListener {
 public:
  /// `store` outlives the recorder; `on_error` gets one line per pipeline
  /// whose signatures could not be noted.
  FailureSignatureRecorder(Store& store, std::function<void(const std::string&)> on_error)
      : store_(store), on_error_(std::move(on_error)) {}

  /// Loads the pipeline's report and notes its failure groups
  /// (RecordFailureSignatures). A pipeline without failed jobs notes nothing.
  void PipelineFinished(const PipelineRecord& pipeline,
                        const std::vector<JobRecord>& jobs) override;

 private:
  Store& store_;
  std::function<void(const std::string&)> on_error_;
};

}  // namespace cirun
