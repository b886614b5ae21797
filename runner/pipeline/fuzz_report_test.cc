// The fuzzing section of the summary: each unique finding once.
#include "runner/pipeline/fuzz_report.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

namespace cirun {
namespace {

using nlohmann::json;

JobReport FuzzedJob(const std::string& cell, json findings, int boots = 40) {
  JobReport j;
  j.job.unikernel = "bootvars";
  j.job.cell_label = cell;
  j.job.name = "bootvars " + cell;
  StepRecord s;
  s.name = "fuzz";
  s.detail_json = json{{"boots", boots}, {"findings", findings}}.dump();
  j.steps = {s};
  return j;
}

json Finding(const std::string& signature, const std::string& line, const std::string& repro) {
  return {{"signature", signature}, {"command_line_display", line}, {"reproducer", repro}};
}

std::string Print(const PipelineReport& r) {
  char* buf = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&buf, &size);
  PrintFuzzSummary(out, r);
  fclose(out);
  std::string text(buf, size);
  free(buf);
  return text;
}

TEST_CASE("PrintFuzzSummary groups one finding over cells, with each minimised line") {
  PipelineReport r;
  const std::string hang = "hung: verbose: false", crash = "crashed: PANIC: x";
  r.jobs = {FuzzedJob("gcc/unix", json::array({Finding(hang, "--port=0", "R1"),
                                               Finding(crash, "--name=<102 x 'a'>", "R2")})),
            FuzzedJob("gcc/virtio", json::array({Finding(hang, "--port=0", "R3"),
                                                 Finding(crash, "--name=<101 x 'a'>", "R4")})),
            FuzzedJob("gcc/xen", json::array(), 38)};
  JobReport unfuzzed;
  unfuzzed.job.unikernel = "hello";
  r.jobs.push_back(unfuzzed);
  CHECK(Print(r) ==
        "\nFuzzing: 3 jobs, 118 boots with hostile arguments, 2 unique findings (4 over all "
        "cells)\n"
        "  bootvars: hung: verbose: false\n"
        "    in 2 cells: gcc/unix gcc/virtio\n"
        "    minimised: --port=0\n"
        "    reproduce: R1\n"
        "  bootvars: crashed: PANIC: x\n"
        "    in 2 cells: gcc/unix gcc/virtio\n"
        "    minimised: --name=<102 x 'a'>  (gcc/unix)\n"
        "    minimised: --name=<101 x 'a'>  (gcc/virtio)\n"
        "    reproduce: R2\n");
}

TEST_CASE("PrintFuzzSummary prints nothing without fuzz steps, totals without findings") {
  PipelineReport r;
  r.jobs = {JobReport{}};
  CHECK(Print(r).empty());
  r.jobs = {FuzzedJob("gcc/unix", json::array())};
  CHECK(Print(r) == "\nFuzzing: 1 job, 40 boots with hostile arguments, 0 unique findings\n");
}

}  // namespace
}  // namespace cirun
