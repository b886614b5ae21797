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

TEST_CASE("PrintFuzzSummary counts one input with one outcome as one finding over targets") {
  PipelineReport r;
  json unix_crash = Finding("crashed: PANIC: fault signal #", "--n=0", "R1");
  unix_crash["outcome"] = "crashed";
  unix_crash["command_line"] = "--n=0";
  json qemu_crash = Finding("crashed: PANIC: fault # (error # at eip 0x#)", "--n=0", "R2");
  qemu_crash["outcome"] = "crashed";
  qemu_crash["command_line"] = "--n=0";
  r.jobs = {FuzzedJob("gcc/unix", json::array({unix_crash})),
            FuzzedJob("gcc/virtio", json::array({qemu_crash}))};
  CHECK(Print(r) ==
        "\nFuzzing: 2 jobs, 80 boots with hostile arguments, 1 unique finding (2 over all "
        "cells)\n"
        "  bootvars: crashed: PANIC: fault signal #\n"
        "    in 2 cells: gcc/unix gcc/virtio\n"
        "    also seen as: crashed: PANIC: fault # (error # at eip 0x#)  (gcc/virtio)\n"
        "    minimised: --n=0\n"
        "    reproduce: R1\n");
}

}  // namespace
}  // namespace cirun
