#include "runner/pipeline/xen_sweep.h"

#include <set>

#include "harness/xen_backend.h"
#include "harness/xen_host.h"
#include "harness/xl_domains.h"

namespace cirun {

std::vector<std::string> SweepXenLeftovers(const std::vector<TargetSpec>& targets,
                                           ProcessRunner& runner) {
  std::vector<std::string> lines;
  std::set<std::string> swept;
  XenHost host = DetectXenHost();
  for (const TargetSpec& target : targets) {
    if (target.backend != BackendKind::kXen) continue;
    if (!XenBackend(target, host, runner).UsesXl()) continue;
    if (!swept.insert(target.xen.xl).second) continue;
    Result<XlSweep> sweep = SweepLeftoverXlDomains(target.xen.xl, runner);
    if (!sweep.ok()) {
      lines.push_back("warning: cannot look for leftover Xen domains: " + sweep.status().message());
      continue;
    }
    for (const std::string& name : sweep->destroyed) {
      lines.push_back("destroyed leftover Xen domain " + name + " (its ci-run process " +
                      std::to_string(XlDomainOwner(name).value_or(0)) + " is gone)");
    }
    for (const std::string& failure : sweep->failed)
      lines.push_back("warning: cannot destroy leftover Xen domain " + failure);
  }
  return lines;
}

}  // namespace cirun
