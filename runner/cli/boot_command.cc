#include "runner/cli/boot_command.h"

#include <unistd.h>
#include <filesystem>

#include "harness/boot.h"
#include "jobs/repo_config_parser.h"
#include "runner/common/exit_code.h"
#include "runner/common/interrupt.h"
#include "runner/common/paths.h"
#include "runner/common/shell_quote.h"
#include "runner/host/host_config.h"
#include "runner/pipeline/job_sandbox.h"
#include "runner/pipeline/xen_sweep.h"

namespace cirun {

int RunBootCommand(const BootCommandOptions& o) {
  auto fail = [](const std::string& m) {
    fprintf(stderr, "ci-run boot: %s\n", m.c_str());
    return 2;
  };
  auto host = LoadHostConfig(o.host_config, o.cache_dir.empty() ? DefaultCacheDir() : o.cache_dir);
  if (!host.ok()) return fail(host.status().message());
  const TargetSpec* target = host->FindTarget(o.target);
  if (!target) {
    std::string names;
    for (const auto& t : host->targets) names += " " + t.name;
    return fail("no target named \"" + o.target + "\" (targets:" + names + ")");
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.image, ec)) return fail("no image file " + o.image);
  auto timeout = ParseDuration(o.timeout);
  if (!timeout.ok()) return fail("--timeout " + o.timeout + ": " + timeout.status().message());

  BootRequest request;
  request.image = std::filesystem::absolute(o.image).string();
  if (o.cmdline && !o.args.empty())
    return fail("--cmdline and arguments after -- exclude each other");
  request.args = o.args;
  request.raw_command_line = o.cmdline;
  request.expect = o.expect;
  request.fail = o.fail;
  request.timeout = *timeout;
  request.instance_name = "ci-run-boot-" + std::to_string(getpid());
  std::optional<BootOutcome> expected = ParseBootOutcome(o.outcome);
  if (!expected || *expected == BootOutcome::kInfra)
    return fail("--outcome " + o.outcome + ": expected passed, crashed, hung, failed or rejected");
  request.expected_outcome = *expected;
  if (!o.exit_codes.empty()) {
    request.exit_codes.clear();
    for (const std::string& code : o.exit_codes) {
      if (code == "none") continue;
      try {
        request.exit_codes.push_back(std::stoi(code));
      } catch (const std::exception&) {
        return fail("--exit " + code + ": expected an integer or \"none\"");
      }
    }
  }
  // Boxed as a job's boot is, so that a reproducer behaves as the job did.
  if (o.no_sandbox) TurnOffSandbox(&*host);
  auto policy =
      SandboxForPipeline(*host, /*untrusted=*/false,
                         o.cache_dir.empty() ? DefaultCacheDir() : o.cache_dir, {}, nullptr);
  if (!policy.ok()) return fail(policy.status().message());
  SandboxedProcessRunner boxed(*policy, RealProcessRunner());
  ProcessRunner& runner = boxed;
  auto backend = MakeBootBackend(*target, runner);
  if (Status s = backend->CheckAvailable(); !s.ok())
    return fail("target " + o.target + ": " + s.message());
  for (const std::string& line : SweepXenLeftovers({*target}, runner))
    printf("ci-run boot: %s\n", line.c_str());

  CancelToken cancel;
  CancelOnInterrupt(&cancel);
  ConsoleObserver echo = nullptr;
  if (!o.quiet) {
    echo = [](std::string_view chunk) {
      fwrite(chunk.data(), 1, chunk.size(), stdout);
      fflush(stdout);
    };
  }
  BootResult r = Boot(request, *backend, runner, &cancel, echo);
  if (!o.quiet && !r.console.empty() && r.console.back() != '\n') printf("\n");
  printf("ci-run boot: %s: %s\n", BootOutcomeName(r.outcome),
         r.cause.empty() ? "ok" : r.cause.c_str());
  printf("ci-run boot: command: %s\n", ShellJoin(r.command).c_str());
  std::string timing = "total " + std::to_string(r.total.count()) + "ms";
  if (r.first_byte) timing += ", first byte " + std::to_string(r.first_byte->count()) + "ms";
  if (r.success) timing += ", success " + std::to_string(r.success->count()) + "ms";
  if (r.guest_exit) timing += ", guest exit " + std::to_string(*r.guest_exit);
  printf("ci-run boot: %s%s\n", timing.c_str(), r.note.empty() ? "" : ("; " + r.note).c_str());
  if (cancel.cancelled()) return kExitInterrupted;
  return ExitCodeForStates({JobStateForBoot(r.outcome)});
}

void SetupBootCommand(CLI::App* sub, int* exit_code) {
  auto o = std::make_shared<BootCommandOptions>();
  sub->add_option("image", o->image, "the unikernel image")->required();
  sub->add_option("--target", o->target,
                  "target name (unix, virtio, virtio-arm64, xen, hvt, spt, ...)");
  sub->add_option("--expect", o->expect,
                  "regex that must match a console line, in order (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--fail", o->fail, "regex that fails the boot at once (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--exit", o->exit_codes,
                  "accepted guest exit code (repeatable; \"none\": pass once all --expect matched)")
      ->allow_extra_args(false);
  sub->add_option("--timeout", o->timeout, "whole boot deadline, e.g. 10s or 500ms (default 20s)");
  sub->add_option("--outcome", o->outcome,
                  "the outcome that passes the boot: passed (default), crashed, hung, failed or "
                  "rejected");
  sub->add_option("--host-config", o->host_config,
                  "YAML file of toolchains and targets for this host");
  sub->add_option("--cache-dir", o->cache_dir, "cache directory (for registered toolchains)");
  sub->add_flag("-q,--quiet", o->quiet, "do not echo the console");
  sub->add_flag("--no-sandbox", o->no_sandbox,
                "boot unboxed: the unikernel's process sees your files and network, with no "
                "memory or process limits (see docs/sandbox.md)");
  sub->add_option("args", o->args, "runtime arguments, after --");
  sub->add_option("--cmdline", o->cmdline,
                  "the guest command line verbatim instead of arguments after -- (write "
                  "--cmdline=LINE; on unix it is split with the MirageOS rules)");
  sub->callback([o, exit_code] { *exit_code = RunBootCommand(*o); });
}

}  // namespace cirun
