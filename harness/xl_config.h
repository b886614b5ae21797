// XlConfig: the .xl file that `xl create` boots a PVH unikernel from.
//
// A plain struct rendered to file text, usable on its own (`ci-run xl`). The
// rendering is correct by construction for xl's config grammar (xl.cfg(5),
// libxlu_cfg_l.l): every value is a double-quoted string or a decimal number,
// one `key = value` per line, lists on one line. Values xl cannot carry are
// rejected with InvalidArgument naming the field, never written half-escaped:
// - bytes >= 0x80 (non-ASCII) and control bytes other than \t \n \r \a \b \f \v
//   (xl's numeric escapes \xNN and \NNN do not decode: libxlu drops them);
// - a NUL byte anywhere.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cirun {

/// One `disk = [...]` entry (xl-disk-configuration(5)).
struct XlDisk {
  std::string target;          // absolute path of an image file or block device
  std::string vdev;            // "xvda", "hdb", "sdc"...; "" : xvd<a+position>
  std::string format = "raw";  // raw, qcow, qcow2, vhd, qed
  bool read_only = false;      // access=ro instead of access=rw
};

/// One `vif = [...]` entry (xl-network-configuration(5)): a NIC on a bridge.
struct XlVif {
  std::string bridge;  // host bridge, e.g. "xenbr0" (1-15 of [A-Za-z0-9_.-])
};

struct XlConfig {
  std::string name;                     // domain name (CheckXlDomainName)
  std::string kernel;                   // absolute path of the PVH image
  int memory_mb = 64;                   // memory = MBYTES, 1..1048576
  std::string cmdline;                  // the guest's command line as is; "" : no cmdline key
  std::string on_poweroff = "destroy";  // xl actions: destroy, restart, rename-restart,
  std::string on_reboot = "destroy";    // preserve, coredump-destroy, coredump-restart,
  std::string on_crash = "destroy";     // soft-reset
  std::vector<XlDisk> disks;
  std::vector<XlVif> vifs;
};

/// `value` as an xl double-quoted string: `"` and `\` escaped with a backslash,
/// tab, newline, CR, BEL, BS, FF, VT as \t \n \r \a \b \f \v; printable ASCII
/// as is. InvalidArgument "byte 0xNN at offset N is not ASCII" / "control byte
/// 0xNN at offset N has no escape in xl's string syntax" otherwise.
Result<std::string> XlQuote(std::string_view value);

/// OK if `name` is a domain name ci-run writes: 1 to 64 characters of
/// [A-Za-z0-9_.-], starting with a letter (so never all digits, which xl would
/// read as a domain id). InvalidArgument saying which rule failed otherwise.
Status CheckXlDomainName(std::string_view name);

/// The disk entry's text: "format=F, vdev=V, access=rw|ro, target=PATH"
/// (target last: xl's `target=` consumes the rest, commas included). `position`
/// names the default vdev (0 -> xvda). InvalidArgument for a target that is
/// relative or has a byte outside printable ASCII, an unknown format, or a
/// vdev that is not hd/sd/xvd + 1-3 letters.
Result<std::string> XlDiskSpec(const XlDisk& disk, size_t position);

/// The vif entry's text: "bridge=BR". InvalidArgument for a bad bridge name.
Result<std::string> XlVifSpec(const XlVif& vif);

/// The whole file: a comment line, then name, type = "pvh", kernel, memory,
/// cmdline (if not empty), on_poweroff, on_reboot, on_crash, disk and vif (if
/// any), one per line, '\n' line ends, ending with a newline. InvalidArgument
/// "<field>: <why>" for the first value that cannot be written.
Result<std::string> RenderXlConfig(const XlConfig& config);

}  // namespace cirun
