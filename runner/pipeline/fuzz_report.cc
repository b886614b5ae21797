#include "runner/pipeline/fuzz_report.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cirun {
namespace {

using nlohmann::json;

struct FindingGroup {
  std::string unikernel;
  std::string signature;
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
  int guided = 0, corpus = 0;
  size_t blocks_before = 0, blocks_after = 0;
  std::map<std::string, int> off;  // why coverage was off -> jobs
  std::vector<FindingGroup> groups;
  for (const JobReport& j : report.jobs) {
    for (const StepRecord& s : j.steps) {
      if (s.name != "fuzz") continue;
      const json d = json::parse(s.detail_json, nullptr, false);
      if (!d.is_object()) continue;
      ++fuzzed;
      boots += d.value("boots", 0);
      const json c = d.value("coverage", json::object());
      if (c.value("enabled", false)) {
        ++guided;
        corpus += c.value("corpus", 0);
        blocks_before += c.value("calibration_blocks", size_t{0});
        blocks_after += c.value("blocks", size_t{0});
      } else if (c.contains("note")) {
        ++off[c.value("note", std::string())];
      }
      for (const json& f : d.value("findings", json::array())) {
        ++findings;
        const std::string signature = f.value("signature", "");
        auto it = std::find_if(groups.begin(), groups.end(), [&](const FindingGroup& g) {
          return g.unikernel == j.job.unikernel && g.signature == signature;
        });
        if (it == groups.end()) {
          groups.push_back({j.job.unikernel, signature, {}, {}, f.value("reproducer", "")});
          it = groups.end() - 1;
        }
        it->cells.push_back(j.job.cell_label);
        AddLine(*it, f.value("command_line_display", ""), j.job.cell_label);
      }
    }
  }
  if (fuzzed == 0) return;
  fprintf(out, "\nFuzzing: %d job%s, %d boots with hostile arguments, %zu unique finding%s%s\n",
          fuzzed, fuzzed == 1 ? "" : "s", boots, groups.size(), groups.size() == 1 ? "" : "s",
          findings > 0 ? (" (" + std::to_string(findings) + " over all cells)").c_str() : "");
  if (guided > 0 || !off.empty()) {
    std::string line =
        "  coverage-guided in " + std::to_string(guided) + " job" + (guided == 1 ? "" : "s");
    if (guided > 0)
      line += ": " + std::to_string(blocks_before) + " -> " + std::to_string(blocks_after) +
              " blocks, corpus " + std::to_string(corpus) + " inputs";
    for (const auto& [why, jobs] : off)
      line += "; off in " + std::to_string(jobs) + " (" + why + ")";
    fprintf(out, "%s\n", line.c_str());
  }
  for (const FindingGroup& g : groups) {
    fprintf(out, "  %s: %s\n", g.unikernel.c_str(), g.signature.c_str());
    fprintf(out, "    in %zu cell%s: %s\n", g.cells.size(), g.cells.size() == 1 ? "" : "s",
            Join(g.cells).c_str());
    for (const auto& [line, cells] : g.lines) {
      fprintf(out, "    minimised: %s%s\n", line.c_str(),
              g.lines.size() == 1 ? "" : ("  (" + Join(cells) + ")").c_str());
    }
    fprintf(out, "    reproduce: %s\n", g.reproducer.c_str());
  }
}

}  // namespace cirun
