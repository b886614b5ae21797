#include "runner/service/plan_queue.h"

#include "runner/service/plan_retry.h"

#include <optional>

#include "runner/service/pull_request_approval.h"

namespace cirun {

std::string DescribePlanned(int64_t id, bool created, const PipelineInfo& info,
                            const std::vector<JobInfo>& jobs) {
  std::string line = "pipeline " + std::to_string(id) + " (" + info.trigger + " " + info.repo_name +
                     " " + info.ref + " " +
                     (info.commit.empty() ? "unresolved" : info.commit.substr(0, 12)) + "): ";
  if (!created) return line + "exists already (delivery " + info.delivery_id + ")";
  if (jobs.size() == 1 && jobs[0].name == kPlanJobName && IsFinal(jobs[0].state)) {
    return line + "not planned: " + jobs[0].cause;
  }
  int queued = 0, skipped = 0, waiting = 0;
  const std::string* why = nullptr;
  for (const JobInfo& j : jobs) {
    queued += j.state == JobState::kQueued;
    skipped += j.state == JobState::kSkipped;
    if (j.state == JobState::kWaiting) {
      ++waiting;
      why = &j.cause;
    }
  }
  line +=
      waiting ? std::to_string(waiting) + " jobs " + *why : std::to_string(queued) + " jobs queued";
  if (skipped) line += ", " + std::to_string(skipped) + " skipped";
  return line;
}

PlanQueue::PlanQueue(Store& store, ServicePlanContext context, ServiceLog& log,
                     std::function<void(int64_t)> created, size_t capacity)
    : store_(store),
      context_(std::move(context)),
      log_(log),
      created_(std::move(created)),
      capacity_(capacity) {
  thread_ = std::thread([this] { Loop(); });
}

PlanQueue::~PlanQueue() {
  Stop();
}

bool PlanQueue::Enqueue(PipelineRequest request) {
  return Push(std::move(request));
}

bool PlanQueue::EnqueueApproval(ApprovalRequest request) {
  return Push(std::move(request));
}

bool PlanQueue::Push(Delivery delivery) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || waiting_.size() >= capacity_) return false;
    waiting_.push_back(std::move(delivery));
  }
  wake_.notify_all();
  return true;
}

size_t PlanQueue::Depth() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

void PlanQueue::Stop() {
  std::deque<Delivery> dropped;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    dropped.swap(waiting_);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (const Delivery& d : dropped) {
    if (const auto* r = std::get_if<PipelineRequest>(&d)) {
      log_.Line("shutdown: delivery " + r->delivery_id + " (" + r->trigger + " " + r->repo_name +
                " " + r->commit.substr(0, 12) + ") was not planned; redeliver it from GitHub");
    } else if (const auto* a = std::get_if<ApprovalRequest>(&d)) {
      log_.Line("shutdown: delivery " + a->delivery_id + " (approval of " + a->repo_name + " " +
                a->ref + ") was not applied; redeliver it from GitHub");
    }
  }
}

PlanQueue::Outcome PlanQueue::PlanAndCreate(Store& store, const ServicePlanContext& context,
                                            const PipelineRequest& request) {
  Outcome out;
  out.planned = PlanServicePipeline(request, context);
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::seconds(1 << attempt));
    auto id = store.CreatePipeline(out.planned.info, out.planned.jobs, &out.created);
    out.status = id.status();
    if (id.ok()) {
      out.id = *id;
      break;
    }
  }
  return out;
}

void PlanQueue::Loop() {
  while (true) {
    std::optional<Delivery> delivery;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
      if (waiting_.empty()) return;  // stopping
      delivery = std::move(waiting_.front());
      waiting_.pop_front();
    }
    if (const auto* request = std::get_if<PipelineRequest>(&*delivery)) Plan(*request);
    if (const auto* approval = std::get_if<ApprovalRequest>(&*delivery)) Approve(*approval);
  }
}

void PlanQueue::Plan(const PipelineRequest& request) {
  Outcome out = PlanAndCreate(store_, context_, request);
  if (!out.status.ok()) {
    // The delivery was accepted: it waits at the head of the queue for the
    // store, not dropped (plan_retry.h). Stop() drops it with the others.
    const std::chrono::milliseconds delay = PlanRetryDelay(++failures_);
    log_.Line("delivery " + request.delivery_id +
              ": cannot create its pipeline: " + out.status.ToString() + "; trying again in " +
              std::to_string(delay.count() / 1000) + "s");
    std::unique_lock lock(mu_);
    if (stopping_) {
      log_.Line("shutdown: delivery " + request.delivery_id +
                " was not planned; redeliver it from GitHub");
      return;
    }
    waiting_.push_front(request);
    wake_.wait_for(lock, delay, [this] { return stopping_; });
    return;
  }
  failures_ = 0;
  log_.Line(DescribePlanned(out.id, out.created, out.planned.info, out.planned.jobs));
  if (out.created && created_) created_(out.id);
}

void PlanQueue::Approve(const ApprovalRequest& request) {
  auto out = ApprovePullRequest(store_, request);
  if (!out.ok()) {
    log_.Line("delivery " + request.delivery_id + ": cannot approve " + request.repo_name + " " +
              request.ref + ": " + out.status().ToString());
    return;
  }
  log_.Line(DescribeApproval(request, *out));
  if (created_)
    for (int64_t id : out->pipelines) created_(id);
}

}  // namespace cirun
