// store_claims: job claims per second and claim latency on a Store (the
// shared queue of `ci-run worker`s), with no-op jobs in pipelines of 25:
// each worker claims a job, finishes it at once, and claims the next, until
// the queue is empty.
// Not a test: tests/bench/store_claims.sh runs it against a real PostgreSQL.
//
//   store_claims URL JOBS WORKERS MODE
//     MODE processes: WORKERS processes, one Store (connection) each, as
//                     WORKERS `ci-run worker` machines;
//     MODE threads:   one process, one Store shared by WORKERS threads, as
//                     one `ci-run worker --slots WORKERS`;
//     MODE roundtrip: the baseline, WORKERS processes each running empty
//                     transactions (`SELECT 1`) through the same Store
//                     session path, as many as there are jobs.
// Prints one line: "claims_per_s P50_MS P99_MS CLAIMED".
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "runner/store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

cirun::JobInfo NoOpJob(int i) {
  cirun::JobInfo j;
  j.name = "noop " + std::to_string(i);
  j.unikernel = "noop";
  j.cell_key = "target=unix";
  j.cell_label = "unix";
  j.target = "unix";
  j.labels = {"target:unix"};
  j.spec_json = "{}";
  return j;
}

// Claims and finishes jobs until none is left; appends each claim's latency
// (microseconds) to `latencies`. Returns false on a store error.
bool Drain(cirun::Store& store, const std::string& worker, std::vector<int64_t>* latencies) {
  cirun::ClaimRequest request{worker, {"target:unix"}, std::chrono::seconds(60), std::nullopt};
  for (;;) {
    const auto t0 = Clock::now();
    auto claimed = store.ClaimJob(request);
    const auto t1 = Clock::now();
    if (!claimed.ok()) {
      std::fprintf(stderr, "%s: claim: %s\n", worker.c_str(), claimed.status().ToString().c_str());
      return false;
    }
    if (!*claimed) return true;
    latencies->push_back(std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count());
    cirun::JobResult result;
    cirun::Status finished =
        store.FinishJob((*claimed)->job.id, worker, (*claimed)->job.attempt, result);
    if (!finished.ok()) {
      std::fprintf(stderr, "%s: finish: %s\n", worker.c_str(), finished.ToString().c_str());
      return false;
    }
  }
}

// Runs `count` round trips that read one row (the cheapest store call).
bool RoundTrips(cirun::Store& store, int count, std::vector<int64_t>* latencies) {
  for (int i = 0; i < count; ++i) {
    const auto t0 = Clock::now();
    auto workers = store.CountJobsByState();
    const auto t1 = Clock::now();
    if (!workers.ok()) {
      std::fprintf(stderr, "round trip: %s\n", workers.status().ToString().c_str());
      return false;
    }
    latencies->push_back(std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count());
  }
  return true;
}

// Forks `workers` children; each writes its latencies (one per line) to a pipe.
bool InProcesses(const std::string& url, int workers, int per_worker_roundtrips,
                 std::vector<int64_t>* latencies) {
  std::vector<std::pair<pid_t, int>> children;
  for (int w = 0; w < workers; ++w) {
    int fds[2];
    if (::pipe(fds) != 0) return false;
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      auto store = cirun::OpenStore(url);
      if (!store.ok())
        std::fprintf(stderr, "worker %d: open: %s\n", w, store.status().ToString().c_str());
      std::vector<int64_t> mine;
      bool ok = store.ok() &&
                (per_worker_roundtrips > 0 ? RoundTrips(**store, per_worker_roundtrips, &mine)
                                           : Drain(**store, "bench-" + std::to_string(w), &mine));
      FILE* out = ::fdopen(fds[1], "w");
      for (int64_t us : mine) std::fprintf(out, "%lld\n", static_cast<long long>(us));
      std::fclose(out);
      _exit(ok ? 0 : 1);
    }
    ::close(fds[1]);
    children.emplace_back(pid, fds[0]);
  }
  bool ok = true;
  for (auto [pid, fd] : children) {
    FILE* in = ::fdopen(fd, "r");
    long long us = 0;
    while (std::fscanf(in, "%lld", &us) == 1) latencies->push_back(us);
    std::fclose(in);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: store_claims URL JOBS WORKERS processes|threads|roundtrip\n");
    return 2;
  }
  const std::string url = argv[1], mode = argv[4];
  const int jobs = std::atoi(argv[2]), workers = std::atoi(argv[3]);
  auto store = cirun::OpenStore(url);
  if (!store.ok()) {
    std::fprintf(stderr, "store_claims: %s\n", store.status().ToString().c_str());
    return 1;
  }
  // Pipelines of kMatrix jobs, a matrix's size (a job's finish counts its
  // pipeline's jobs under the pipeline's lock).
  constexpr int kMatrix = 25;
  for (int first = 0; mode != "roundtrip" && first < jobs; first += kMatrix) {
    std::vector<cirun::JobInfo> queue;
    for (int i = first; i < std::min(jobs, first + kMatrix); ++i) queue.push_back(NoOpJob(i));
    cirun::PipelineInfo pipeline;
    pipeline.repo = "/bench";
    pipeline.repo_name = "bench";
    pipeline.commit = std::string(40, 'b');
    pipeline.ref = "HEAD";
    pipeline.trigger = "local";
    if (auto id = (*store)->CreatePipeline(pipeline, queue); !id.ok()) {
      std::fprintf(stderr, "store_claims: %s\n", id.status().ToString().c_str());
      return 1;
    }
  }
  std::vector<int64_t> latencies;
  bool ok = true;
  const auto t0 = Clock::now();
  if (mode == "processes") {
    ok = InProcesses(url, workers, 0, &latencies);
  } else if (mode == "roundtrip") {
    ok = InProcesses(url, workers, jobs / workers, &latencies);
  } else if (mode == "threads") {
    std::vector<std::vector<int64_t>> each(workers);
    std::vector<std::thread> threads;
    std::vector<char> oks(workers, 0);
    for (int w = 0; w < workers; ++w)
      threads.emplace_back(
          [&, w] { oks[w] = Drain(**store, "slot-" + std::to_string(w), &each[w]); });
    for (auto& t : threads) t.join();
    for (int w = 0; w < workers; ++w) {
      ok = ok && oks[w];
      latencies.insert(latencies.end(), each[w].begin(), each[w].end());
    }
  } else {
    std::fprintf(stderr, "store_claims: unknown mode %s\n", mode.c_str());
    return 2;
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!ok || latencies.empty()) {
    std::fprintf(stderr, "store_claims: a worker failed\n");
    return 1;
  }
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    size_t i = static_cast<size_t>(p / 100.0 * latencies.size() + 0.999999);
    return latencies[std::clamp<size_t>(i, 1, latencies.size()) - 1] / 1000.0;
  };
  std::printf("%.1f %.2f %.2f %zu\n", latencies.size() / secs, pct(50), pct(99), latencies.size());
  return 0;
}
