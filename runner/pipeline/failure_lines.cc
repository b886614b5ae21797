#include "runner/pipeline/failure_lines.h"

#include <string_view>

#include "runner/common/xml_escape.h"

namespace cirun {
namespace {

// The first line of a bisection's summary (its why, when not confirmed).
std::string FirstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

}  // namespace

std::vector<BisectionRecord> PipelineBisections(Store& store, const PipelineRecord& pipeline) {
  std::vector<BisectionRecord> out;
  auto all = store.ListBisections(pipeline.repo, 200);
  if (!all.ok()) return out;
  for (auto it = all->rbegin(); it != all->rend(); ++it)
    if (it->pipeline_id == pipeline.id) out.push_back(*it);
  return out;
}

void PrintBisections(FILE* out, const PipelineReport& r) {
  if (r.bisections.empty()) return;
  fprintf(out, "\nCulprits (first-parent bisection of each new failure):\n");
  for (const BisectionRecord& b : r.bisections) {
    fprintf(out, "  %s %s, %s: ", b.unikernel.c_str(), b.cell_key.c_str(), b.case_name.c_str());
    if (b.verdict == "confirmed") {
      fprintf(out, "culprit %s (confirmed: fails every run, its parent passes every run)\n",
              b.culprit.c_str());
    } else {
      fprintf(out, "not confirmed: %s\n", FirstLine(b.summary).c_str());
    }
    fprintf(out, "    searched %s..%s\n", b.good.substr(0, 12).c_str(),
            b.bad.substr(0, 12).c_str());
  }
}

nlohmann::json BisectionsJson(const PipelineReport& r) {
  nlohmann::json list = nlohmann::json::array();
  for (const BisectionRecord& b : r.bisections) {
    list.push_back({{"unikernel", b.unikernel},
                    {"cell", b.cell_key},
                    {"case", b.case_name},
                    {"good", b.good},
                    {"bad", b.bad},
                    {"verdict", b.verdict},
                    {"culprit", b.culprit},
                    {"summary", b.summary}});
  }
  return list;
}

std::string BisectionProperties(const PipelineReport& r, const std::string& unikernel) {
  std::string props;
  for (const BisectionRecord& b : r.bisections) {
    if (b.unikernel != unikernel) continue;
    const std::string value = b.verdict == "confirmed" ? "confirmed culprit " + b.culprit
                                                       : "not confirmed: " + FirstLine(b.summary);
    props += "      <property name=\"" + XmlEscape("bisect " + b.cell_key + " " + b.case_name) +
             "\" value=\"" + XmlEscape(value) + "\"/>\n";
  }
  return props.empty() ? "" : "    <properties>\n" + props + "    </properties>\n";
}

const StepRecord* DecidingStep(const JobReport& job) {
  for (const StepRecord& s : job.steps) {
    if (s.outcome != "passed" && s.outcome != "cached" && s.outcome != "skipped" &&
        s.outcome != "flaky")
      return &s;
  }
  return nullptr;
}

bool CountsAsFailure(const JobReport& job, const StepRecord& s) {
  if (s.outcome == "flaky")
    return job.job.state == JobState::kFailed && job.job.cause.starts_with(s.name + ": flaky");
  return s.outcome != "passed" && s.outcome != "cached" && s.outcome != "skipped";
}

void PrintExcerpt(FILE* out, const std::string& step, const std::string& excerpt, int indent) {
  if (excerpt.empty()) return;
  fprintf(out, "%*slines that matter (%s):\n", indent, "", step.c_str());
  std::string_view rest = excerpt;
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    fprintf(out, "%*s%.*s\n", indent + 2, "", static_cast<int>(line.size()), line.data());
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
}

}  // namespace cirun
