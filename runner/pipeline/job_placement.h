// Job placement: which jobs a host can run. The labels a job needs and a
// host offers (workers claim by them), and the jobs a pipeline queues on this
// host, with a skip reason for those it cannot run.
#pragma once

#include <string>
#include <vector>

#include "harness/process_runner.h"
#include "jobs/job_plan.h"
#include "jobs/repo_config.h"
#include "runner/host/host_config.h"
#include "runner/host/toolchain.h"
#include "runner/store/store.h"

namespace cirun {

/// The labels a job needs from a worker: "target:<name>" and, when the cell
/// has a compiler, "toolchain:<name>".
std::vector<std::string> JobLabels(const JobPlan& plan);

/// Store-ready jobs for `plans`. When `check_host` is true, a job whose
/// toolchain or target this host lacks is kSkipped with the reason ("no
/// toolchain named ocaml-5.3 on this host", "toolchain clang: clang not found",
/// "target virtio-arm64: qemu-system-aarch64 not found in PATH"); probes run
/// once per toolchain and target.
std::vector<JobInfo> JobsForHost(const std::vector<JobPlan>& plans, const HostConfig& host,
                                 ToolchainProbe& probe, ProcessRunner& runner, bool check_host);

/// The labels this host offers: every target whose backend is available and
/// every toolchain that probes successfully, plus "xen-host" when a xen target
/// boots through real Xen here (ProbeXenHost: a dom0 whose `xl list` works, or
/// force-xl), not only through the QEMU fallback.
std::vector<std::string> HostLabels(const HostConfig& host, ToolchainProbe& probe,
                                    ProcessRunner& runner);

}  // namespace cirun
