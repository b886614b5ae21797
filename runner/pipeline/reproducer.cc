#include "runner/pipeline/reproducer.h"

#include <filesystem>

#include "runner/common/byte_text.h"
#include "runner/common/shell_quote.h"

namespace cirun {

namespace {

// `self command SOURCE [--rev C] --unikernel U --only CELL` for one job.
std::vector<std::string> JobWords(const std::string& self, const std::string& command,
                                  const PipelineRecord& pipeline, const JobRecord& job,
                                  const std::vector<std::string>& flags) {
  std::vector<std::string> words = {self, command};
  if (pipeline.dirty) {
    words.push_back(pipeline.worktree);
  } else {
    words.push_back(pipeline.repo);
    words.push_back("--rev");
    words.push_back(pipeline.commit.substr(0, 12));
  }
  words.insert(words.end(), {"--unikernel", job.unikernel});
  if (!job.cell_key.empty()) words.insert(words.end(), {"--only", job.cell_key});
  words.insert(words.end(), flags.begin(), flags.end());
  return words;
}

// Each word bash-quoted: a flag may carry any byte (--cmdline=RAW).
std::string JoinBytes(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + ShellQuoteBytes(w);
  return out;
}

}  // namespace

std::string JobReproducer(const std::string& self, const PipelineRecord& pipeline,
                          const JobRecord& job, const std::vector<std::string>& flags) {
  return JoinBytes(JobWords(self, "local", pipeline, job, flags));
}

std::string FuzzReproducer(const std::string& self, const PipelineRecord& pipeline,
                           const JobRecord& job, int boots, std::chrono::milliseconds time,
                           uint64_t seed, const std::vector<std::string>& flags) {
  std::vector<std::string> words = JobWords(self, "fuzz", pipeline, job, flags);
  words.insert(words.end(), {"--boots", std::to_string(boots)});
  if (time.count() > 0) {
    words.insert(words.end(), {"--seconds", std::to_string((time.count() + 999) / 1000)});
  }
  words.insert(words.end(), {"--seed", std::to_string(seed)});
  return JoinBytes(words);
}

std::string BootReproducer(const std::string& self, const std::string& image,
                           const std::string& target, const BootCase& boot,
                           const std::vector<std::string>& flags) {
  std::vector<std::string> words = {self, "boot", image, "--target", target};
  for (size_t i = 0; i + 1 < flags.size(); ++i)
    if (flags[i] == "--host-config") words.insert(words.end(), {flags[i], flags[i + 1]});
  for (const auto& e : boot.expect) words.insert(words.end(), {"--expect", e});
  for (const auto& f : boot.fail) words.insert(words.end(), {"--fail", f});
  if (boot.exit_codes.empty()) words.insert(words.end(), {"--exit", "none"});
  for (int code : boot.exit_codes) words.insert(words.end(), {"--exit", std::to_string(code)});
  const auto ms = boot.timeout.count();
  words.insert(words.end(), {"--timeout", ms % 1000 == 0 ? std::to_string(ms / 1000) + "s"
                                                         : std::to_string(ms) + "ms"});
  if (boot.outcome != "passed") words.insert(words.end(), {"--outcome", boot.outcome});
  if (boot.raw_command_line) {
    return ShellJoin(words) + " " + ShellQuoteBytes("--cmdline=" + *boot.raw_command_line);
  }
  if (!boot.args.empty()) {
    words.push_back("--");
    words.insert(words.end(), boot.args.begin(), boot.args.end());
  }
  return ShellJoin(words);
}

std::string CommandLineReproducer(const std::string& self, const PipelineRecord& pipeline,
                                  const JobRecord& job, const std::string& command_line,
                                  const std::vector<std::string>& flags) {
  return JobReproducer(self, pipeline, job, flags) + " " +
         ShellQuoteBytes("--cmdline=" + command_line);
}

std::string JobPlanReproducer(const std::string& self, const PipelineRecord& pipeline,
                              const JobRecord& job, const JobPlan& plan,
                              const std::vector<std::string>& flags) {
  if (!plan.boots.empty() && plan.boots[0].raw_command_line)
    return CommandLineReproducer(self, pipeline, job, *plan.boots[0].raw_command_line, flags);
  return JobReproducer(self, pipeline, job, flags);
}

}  // namespace cirun
