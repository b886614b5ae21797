// XenHost: whether this machine can create Xen domains (a dom0 with xl).
#pragma once

#include <string>

#include "base/status.h"
#include "harness/process_runner.h"
#include "harness/target_spec.h"

namespace cirun {

struct XenHost {
  enum class Kind {
    kNone,   // no Xen hypervisor: neither /dev/xen/privcmd nor /proc/xen
    kGuest,  // Xen, but not a dom0 (a domU, or privcmd missing): no domains from here
    kDom0,   // a Xen control domain: xl can create domains
  };
  Kind kind = Kind::kNone;
  std::string reason;  // one line, for kNone and kGuest (why xl cannot be used)
};

/// Looks at `root` + /dev/xen/privcmd, /proc/xen/privcmd, /proc/xen and
/// /proc/xen/capabilities (`root` is "" on a real host; tests pass a scratch
/// directory):
/// - no privcmd and no /proc/xen -> kNone "no Xen hypervisor on this host
///   (/dev/xen/privcmd missing)";
/// - capabilities readable without "control_d" -> kGuest "this host is a Xen
///   guest (domU), not dom0: /proc/xen/capabilities lacks control_d";
/// - no privcmd -> kGuest "Xen detected, but /dev/xen/privcmd is missing
///   (is the xen-privcmd driver loaded?)";
/// - otherwise kDom0.
XenHost DetectXenHost(const std::string& root = "");

/// Whether real Xen works here for `options`: DetectXenHost() is kDom0 (or
/// options.force_xl), options.xl is found, and `xl list` exits 0 within 30 s.
/// Unavailable with the first reason otherwise. This is what decides a
/// worker's `xen-host` label.
Status ProbeXenHost(const XenOptions& options, ProcessRunner& runner);

}  // namespace cirun
