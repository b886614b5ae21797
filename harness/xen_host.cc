#include "harness/xen_host.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/executable_search.h"
#include "harness/xl_domains.h"

namespace cirun {

XenHost DetectXenHost(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool privcmd =
      fs::exists(root + "/dev/xen/privcmd", ec) || fs::exists(root + "/proc/xen/privcmd", ec);
  const bool proc_xen = fs::is_directory(root + "/proc/xen", ec);
  if (!privcmd && !proc_xen)
    return {XenHost::Kind::kNone, "no Xen hypervisor on this host (/dev/xen/privcmd missing)"};
  std::ifstream caps(root + "/proc/xen/capabilities");
  if (caps) {
    std::stringstream text;
    text << caps.rdbuf();
    if (text.str().find("control_d") == std::string::npos) {
      return {XenHost::Kind::kGuest,
              "this host is a Xen guest (domU), not dom0: /proc/xen/capabilities lacks control_d"};
    }
  }
  if (!privcmd) {
    return {XenHost::Kind::kGuest,
            "Xen detected, but /dev/xen/privcmd is missing (is the xen-privcmd driver loaded?)"};
  }
  return {XenHost::Kind::kDom0, ""};
}

Status ProbeXenHost(const XenOptions& options, ProcessRunner& runner) {
  if (!options.force_xl) {
    XenHost host = DetectXenHost();
    if (host.kind != XenHost::Kind::kDom0) return Status::Unavailable(host.reason);
  }
  Result<std::string> xl = FindExecutable(options.xl);
  if (!xl.ok()) return xl.status();
  Result<std::vector<std::string>> listed = ListXlDomains(*xl, runner);
  return listed.ok() ? Status::Ok() : listed.status();
}

}  // namespace cirun
