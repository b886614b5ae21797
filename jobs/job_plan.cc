// PlanJobs: unikernels x matrix cells -> JobPlans with variables expanded.
#include "jobs/job_plan.h"

#include <algorithm>

namespace cirun {
namespace {

std::string Quote(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

std::string EscapeRegex(std::string_view text) {
  static constexpr std::string_view kSpecial = "\\^$.|?*+()[]{}";
  std::string out;
  for (char c : text) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// Expands the strings of one job in place; keeps the first error.
class JobStrings {
 public:
  JobStrings(Variables vars, std::string job) : plain_(std::move(vars)), job_(std::move(job)) {
    for (const auto& [name, value] : plain_) regex_.emplace(name, EscapeRegex(value));
  }

  void Text(std::string_view field, std::string* s) { Expand(field, plain_, s); }
  void Texts(std::string_view field, std::vector<std::string>* v) {
    for (std::string& s : *v) Expand(field, plain_, &s);
  }
  void Patterns(std::string_view field, std::vector<std::string>* v) {
    for (std::string& s : *v) Expand(field, regex_, &s);
  }
  const Status& status() const { return status_; }

 private:
  void Expand(std::string_view field, const Variables& vars, std::string* s) {
    if (!status_.ok()) return;
    Result<std::string> expanded = ExpandVariables(*s, vars);
    if (expanded.ok()) {
      *s = std::move(*expanded);
    } else {
      status_ = expanded.status().WithContext(job_ + ", " + std::string(field) + " " + Quote(*s));
    }
  }

  Variables plain_;
  Variables regex_;
  std::string job_;
  Status status_;
};

void ExpandBoot(JobStrings* strings, BootCase* boot) {
  const std::string prefix = boot->name == "boot" ? "boot " : "test " + Quote(boot->name) + " ";
  strings->Texts(prefix + "args", &boot->args);
  strings->Patterns(prefix + "expect", &boot->expect);
  strings->Patterns(prefix + "fail", &boot->fail);
}

Result<JobPlan> PlanJob(const UnikernelSpec& uk, const MatrixCell& cell) {
  const std::string job = "unikernel " + Quote(uk.name) + ", cell " + Quote(cell.Key());
  JobPlan plan;
  plan.unikernel = uk.name;
  plan.cell = cell;
  plan.compiler = cell.Get(kCompilerAxis);
  plan.target = cell.Get(kTargetAxis);
  if (plan.target.empty()) return Status::InvalidArgument(job + ": no \"target\" value");
  plan.path = uk.path;
  plan.build_command = uk.build;
  plan.image = uk.image;
  plan.build_timeout = uk.build_timeout;
  plan.boots.push_back(uk.boot);
  plan.boots.insert(plan.boots.end(), uk.tests.begin(), uk.tests.end());
  plan.fuzz = uk.fuzz;
  plan.bench = uk.bench;

  JobStrings strings(JobVariables(uk.name, cell), job);
  strings.Text("build", &plan.build_command);
  strings.Text("image", &plan.image);
  for (BootCase& boot : plan.boots) ExpandBoot(&strings, &boot);
  if (plan.bench) strings.Texts("bench args", &plan.bench->args);
  if (!strings.status().ok()) return strings.status();
  return plan;
}

Status CheckUnikernelNames(const RepoConfig& config, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    auto it = std::find_if(config.unikernels.begin(), config.unikernels.end(),
                           [&](const UnikernelSpec& uk) { return uk.name == name; });
    if (it != config.unikernels.end()) continue;
    std::string known;
    for (const UnikernelSpec& uk : config.unikernels)
      known += (known.empty() ? "" : ", ") + uk.name;
    return Status::InvalidArgument("unknown unikernel " + Quote(name) + " (known: " + known + ")");
  }
  return Status::Ok();
}

bool UnikernelSelected(const PlanOptions& options, const std::string& name) {
  return options.unikernels.empty() ||
         std::find(options.unikernels.begin(), options.unikernels.end(), name) !=
             options.unikernels.end();
}

std::string DescribeSelection(const PlanOptions& options) {
  std::string out;
  for (const std::string& name : options.unikernels) out += " --unikernel " + name;
  for (const CellFilter& filter : options.only) out += " --only " + filter.ToString();
  return out.empty() ? "the configuration has no job" : "no job matches" + out;
}

}  // namespace

Variables JobVariables(const std::string& unikernel, const MatrixCell& cell) {
  Variables vars;
  for (const auto& [key, value] : cell.values) vars[key] = value;
  vars["unikernel"] = unikernel;
  return vars;
}

Result<std::vector<JobPlan>> PlanJobs(const RepoConfig& config, const PlanOptions& options) {
  CIRUN_RETURN_IF_ERROR(CheckUnikernelNames(config, options.unikernels));
  std::vector<JobPlan> plans;
  for (const UnikernelSpec& uk : config.unikernels) {
    if (!UnikernelSelected(options, uk.name)) continue;
    Result<std::vector<MatrixCell>> cells = ExpandMatrix(uk.matrix ? *uk.matrix : config.matrix);
    if (!cells.ok()) return cells.status().WithContext("unikernel " + Quote(uk.name));
    for (const MatrixCell& cell : *cells) {
      if (!CellSelected(options.only, cell)) continue;
      Result<JobPlan> plan = PlanJob(uk, cell);
      if (!plan.ok()) return plan.status();
      plan->failures = config.failures;
      plans.push_back(std::move(*plan));
    }
  }
  if (plans.empty()) return Status::InvalidArgument(DescribeSelection(options));
  return plans;
}

std::string MainBootSkipReason(const JobPlan& plan, const std::string& what) {
  if (plan.boots.empty() || plan.boots[0].outcome == "passed") return "";
  return "the main boot expects outcome " + plan.boots[0].outcome + ", so its arguments give " +
         what + " no running unikernel";
}

}  // namespace cirun
