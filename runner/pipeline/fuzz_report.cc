#include "runner/pipeline/fuzz_report.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "runner/pipeline/step_detail.h"

namespace cirun {
namespace {

struct FindingGroup {
  std::string unikernel;
  std::string signature;
  std::string outcome;       // "crashed", "hung" ("" in old reports)
  std::string command_line;  // the minimised input of its first finding
  std::vector<std::pair<std::string, std::vector<std::string>>> others;  // signature -> cells
  std::vector<std::string> cells;
  std::vector<std::pair<std::string, std::vector<std::string>>> lines;  // line -> cells
  std::string reproducer;
};

void AddLine(FindingGroup& g, const std::string& line, const std::string& cell) {
  for (auto& [text, cells] : g.lines) {
    if (text == line) {
      cells.push_back(cell);
      return;
    }
  }
  g.lines.push_back({line, {cell}});
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

void PrintFuzzSummary(FILE* out, const PipelineReport& report) {
  int fuzzed = 0, boots = 0, findings = 0;
  std::vector<FindingGroup> groups;
  for (const JobReport& j : report.jobs) {
    for (const StepRecord& s : j.steps) {
      if (s.name != "fuzz") continue;
      const StepDetail d = StepDetail::Parse(s.detail_json);
      if (d.Empty()) continue;
      ++fuzzed;
      boots += static_cast<int>(d.Int("boots").value_or(0));
      for (const StepDetail& f : d.Objects("findings")) {
        ++findings;
        const std::string signature = f.String("signature").value_or("");
        const std::string outcome = f.String("outcome").value_or("");
        const std::string input = f.String("command_line").value_or("");
        // One defect: the same signature, or the same outcome of the same
        // minimised input (whose message differs by target: "fault signal
        // 8" on unix, "fault 0 (... at eip ...)" under QEMU).
        auto it = std::find_if(groups.begin(), groups.end(), [&](const FindingGroup& g) {
          if (g.unikernel != j.job.unikernel) return false;
          if (g.signature == signature) return true;
          return !outcome.empty() && !input.empty() && g.outcome == outcome &&
                 g.command_line == input;
        });
        if (it == groups.end()) {
          groups.push_back(
              {j.job.unikernel, signature, outcome, input, {}, {}, {}, f.String("reproducer").value_or("")});
          it = groups.end() - 1;
        } else if (it->signature != signature) {
          auto other = std::find_if(it->others.begin(), it->others.end(),
                                    [&](const auto& o) { return o.first == signature; });
          if (other == it->others.end())
            other = it->others.insert(it->others.end(), {signature, {}});
          other->second.push_back(j.job.cell_label);
        }
        it->cells.push_back(j.job.cell_label);
        AddLine(*it, f.String("command_line_display").value_or(""), j.job.cell_label);
      }
    }
  }
  if (fuzzed == 0) return;
  fprintf(out, "\nFuzzing: %d job%s, %d boots with hostile arguments, %zu unique finding%s%s\n",
          fuzzed, fuzzed == 1 ? "" : "s", boots, groups.size(), groups.size() == 1 ? "" : "s",
          findings > 0 ? (" (" + std::to_string(findings) + " over all cells)").c_str() : "");
  for (const FindingGroup& g : groups) {
    fprintf(out, "  %s: %s\n", g.unikernel.c_str(), g.signature.c_str());
    fprintf(out, "    in %zu cell%s: %s\n", g.cells.size(), g.cells.size() == 1 ? "" : "s",
            Join(g.cells).c_str());
    for (const auto& [signature, cells] : g.others) {
      fprintf(out, "    also seen as: %s  (%s)\n", signature.c_str(), Join(cells).c_str());
    }
    for (const auto& [line, cells] : g.lines) {
      fprintf(out, "    minimised: %s%s\n", line.c_str(),
              g.lines.size() == 1 ? "" : ("  (" + Join(cells) + ")").c_str());
    }
    fprintf(out, "    reproduce: %s\n", g.reproducer.c_str());
  }
}

}  // namespace cirun
