#include "runner/service/service_log.h"

#include <ctime>

namespace cirun {

void ServiceLog::Line(const std::string& line) {
  std::time_t now = std::time(nullptr);
  std::tm utc;
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  std::lock_guard lock(mu_);
  size_t start = 0;
  do {
    size_t end = line.find('\n', start);
    if (end == std::string::npos) end = line.size();
    fprintf(out_, "%s %.*s\n", stamp, static_cast<int>(end - start), line.data() + start);
    start = end + 1;
  } while (start < line.size());
  fflush(out_);
}

void ServiceLog::JobStarted(const JobRecord& job) {
  Line("pipeline " + std::to_string(job.pipeline_id) + " job " + std::to_string(job.id) + " " +
       job.name + ": started (attempt " + std::to_string(job.attempt) + ")");
}

void ServiceLog::JobFinished(const JobRecord& job, const JobResult& result) {
  char seconds[32];
  snprintf(seconds, sizeof seconds, "%.1fs", result.duration_ms / 1000.0);
  std::string line = "pipeline " + std::to_string(job.pipeline_id) + " job " +
                     std::to_string(job.id) + " " + job.name + ": " + JobStateName(result.state) +
                     " in " + seconds;
  if (!result.cause.empty()) line += ": " + result.cause.substr(0, result.cause.find('\n'));
  Line(line);
}

}  // namespace cirun
