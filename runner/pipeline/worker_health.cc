#include "runner/pipeline/worker_health.h"

#include <filesystem>
#include <utility>
#include <vector>

namespace cirun {
namespace fs = std::filesystem;

WorkerHealth::WorkerHealth(WorkerHealthOptions options, std::string dir, HealthBootFunction boot)
    : options_(options), dir_(std::move(dir)), boot_(std::move(boot)) {}

bool WorkerHealth::JobEnded(JobState state, const std::string& cause) {
  std::lock_guard lock(mu_);
  if (state != JobState::kInfra) {
    infra_in_a_row_ = 0;
    return false;
  }
  ++infra_in_a_row_;
  if (options_.infra_limit <= 0 || infra_in_a_row_ < options_.infra_limit || !unhealthy_.empty())
    return false;
  unhealthy_ = std::to_string(infra_in_a_row_) + " jobs in a row ended infra, the last: " + cause;
  next_ = std::chrono::steady_clock::now() + options_.check_every;
  return true;
}

std::string WorkerHealth::Unhealthy() const {
  std::lock_guard lock(mu_);
  return unhealthy_;
}

void WorkerHealth::BootPassed(const std::string& target, const BootRequest& request) {
  fs::path image = request.image;
  if (image.is_relative() && !request.work_dir.empty()) image = fs::path(request.work_dir) / image;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const fs::path kept = fs::path(dir_) / (target + ".image");
  const fs::path partial = fs::path(dir_) / (target + ".image.part");
  std::lock_guard lock(mu_);  // one copy at a time: two slots may pass at once
  fs::copy_file(image, partial, fs::copy_options::overwrite_existing, ec);
  if (ec) return;
  fs::rename(partial, kept, ec);
  if (ec) return;
  HealthBoot boot{target, request};
  boot.request.image = kept.string();
  boot.request.work_dir = dir_;
  boot.request.instance_name = "ci-run-health-" + target;
  boots_[target] = std::move(boot);
}

std::optional<std::string> WorkerHealth::CheckIfDue() {
  std::vector<HealthBoot> boots;
  {
    std::lock_guard lock(mu_);
    if (unhealthy_.empty() || checking_ || std::chrono::steady_clock::now() < next_)
      return std::nullopt;
    checking_ = true;
    for (const auto& [target, boot] : boots_) boots.push_back(boot);
  }
  std::string failed;
  for (const HealthBoot& boot : boots) {
    BootResult r = boot_(boot);
    if (r.outcome == BootOutcome::kPassed) continue;
    failed = boot.target + ": " + BootOutcomeName(r.outcome) + ": " + r.cause;
    break;
  }
  std::lock_guard lock(mu_);
  checking_ = false;
  next_ = std::chrono::steady_clock::now() + options_.check_every;
  if (!failed.empty()) return "health boot failed (" + failed + "): still taking no jobs";
  unhealthy_.clear();
  infra_in_a_row_ = 0;
  if (boots.empty()) return "no known-good boot to check (none passed here yet): taking jobs again";
  std::string targets;
  for (const HealthBoot& boot : boots) targets += (targets.empty() ? "" : ", ") + boot.target;
  return "health boot passed (" + targets + "): taking jobs again";
}

}  // namespace cirun
