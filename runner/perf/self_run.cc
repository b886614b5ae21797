#include "runner/perf/self_run.h"

#include "runner/common/shell_quote.h"
#include "runner/pipeline/job_executor.h"

namespace cirun {

void AppendStateFlags(const JobEnvironment& env, std::vector<std::string>* argv) {
  if (!env.store_url.empty()) argv->insert(argv->end(), {"--db", env.store_url});
  if (!env.cache_dir.empty()) argv->insert(argv->end(), {"--cache-dir", env.cache_dir});
  // The service's toolchains: and targets: (it has no --host-config file).
  if (!env.service_config_file.empty())
    argv->insert(argv->end(), {"--service-config", env.service_config_file});
  else if (!env.host_config_file.empty())
    argv->insert(argv->end(), {"--host-config", env.host_config_file});
}

SelfRunResult RunSelf(const JobEnvironment& env, const std::vector<std::string>& argv,
                      std::chrono::milliseconds timeout, size_t log_cap,
                      const CancelToken* cancel) {
  SelfRunResult out;
  std::vector<std::string> shown = argv;
  if (!shown.empty()) shown[0] = env.self_command;
  out.command = ShellJoin(shown);
  ProcessSpec spec;
  spec.argv = argv;
  spec.timeout = timeout;
  spec.env_set["NO_COLOR"] = "1";
  spec.unsandboxed = true;  // ci-run itself, against the store; its own builds are boxed
  std::string& log = out.log;
  out.exit = env.runner->Run(
      spec,
      [&log, log_cap](std::string_view chunk, std::chrono::milliseconds) {
        log.append(chunk);
        if (log.size() > 2 * log_cap) log.erase(0, log.size() - log_cap);
        return OutputAction::kContinue;
      },
      cancel);
  if (log.size() > log_cap) log.erase(0, log.size() - log_cap);
  return out;
}

}  // namespace cirun
