#include "harness/xl_config.h"

#include <algorithm>
#include <cstdio>

#include "base/hex.h"

namespace cirun {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

const char* NamedEscape(unsigned char c) {
  switch (c) {
    case '\t':
      return "\\t";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\a':
      return "\\a";
    case '\b':
      return "\\b";
    case '\f':
      return "\\f";
    case '\v':
      return "\\v";
    default:
      return nullptr;
  }
}

Status CheckAction(const std::string& field, const std::string& action) {
  static const char* const kActions[] = {"destroy",   "restart",          "rename-restart",
                                         "preserve",  "coredump-destroy", "coredump-restart",
                                         "soft-reset"};
  for (const char* a : kActions) {
    if (action == a) return Status::Ok();
  }
  return Status::InvalidArgument(field + ": unknown action \"" + action +
                                 "\" (expected destroy, restart, rename-restart, preserve, "
                                 "coredump-destroy, coredump-restart or soft-reset)");
}

bool ValidVdev(const std::string& vdev) {
  size_t prefix = 0;
  if (vdev.rfind("xvd", 0) == 0)
    prefix = 3;
  else if (vdev.rfind("hd", 0) == 0 || vdev.rfind("sd", 0) == 0)
    prefix = 2;
  else
    return false;
  if (vdev.size() == prefix || vdev.size() > prefix + 3) return false;
  return std::all_of(vdev.begin() + prefix, vdev.end(),
                     [](char c) { return c >= 'a' && c <= 'z'; });
}

// "xvda" ... "xvdz", "xvdaa" ... (Linux naming for positions past 25).
std::string DefaultVdev(size_t position) {
  std::string letters;
  size_t n = position + 1;
  while (n > 0) {
    --n;
    letters.insert(letters.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  }
  return "xvd" + letters;
}

// `key = value` with the value quoted, or the error prefixed with the key.
Status AppendString(std::string& out, const std::string& key, const std::string& value) {
  Result<std::string> quoted = XlQuote(value);
  if (!quoted.ok()) return quoted.status().WithContext(key);
  out += key + " = " + *quoted + "\n";
  return Status::Ok();
}

Status AppendList(std::string& out, const std::string& key, const std::vector<std::string>& items) {
  if (items.empty()) return Status::Ok();
  out += key + " = [ ";
  for (size_t i = 0; i < items.size(); ++i) {
    Result<std::string> quoted = XlQuote(items[i]);
    if (!quoted.ok()) return quoted.status().WithContext(key + "[" + std::to_string(i) + "]");
    out += (i ? ", " : "") + *quoted;
  }
  out += " ]\n";
  return Status::Ok();
}

}  // namespace

Result<std::string> XlQuote(std::string_view value) {
  std::string out = "\"";
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else if (const char* escape = NamedEscape(c)) {
      out += escape;
    } else if (c >= 0x80) {
      return Status::InvalidArgument("byte " + HexByte(c, "0x") + " at offset " +
                                     std::to_string(i) + " is not ASCII (xl cannot carry it)");
    } else {
      return Status::InvalidArgument("control byte " + HexByte(c, "0x") + " at offset " +
                                     std::to_string(i) + " has no escape in xl's string syntax");
    }
  }
  return out + "\"";
}

Status CheckXlDomainName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("domain name is empty");
  if (name.size() > 64) {
    return Status::InvalidArgument("domain name \"" + std::string(name.substr(0, 64)) +
                                   "...\" is longer than 64 characters");
  }
  if (!IsLetter(name[0])) {
    return Status::InvalidArgument("domain name \"" + std::string(name) +
                                   "\" must start with a letter");
  }
  for (char c : name) {
    if (!IsNameChar(c)) {
      return Status::InvalidArgument("domain name \"" + std::string(name) + "\" has character " +
                                     HexByte(static_cast<unsigned char>(c), "0x") +
                                     " (allowed: letters, digits, _ . -)");
    }
  }
  return Status::Ok();
}

Result<std::string> XlDiskSpec(const XlDisk& disk, size_t position) {
  if (disk.target.empty() || disk.target[0] != '/') {
    return Status::InvalidArgument("disk target \"" + disk.target + "\" is not an absolute path");
  }
  for (size_t i = 0; i < disk.target.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(disk.target[i]);
    if (c < 0x20 || c >= 0x7f) {
      return Status::InvalidArgument("disk target \"" + disk.target + "\" has byte " +
                                     HexByte(c, "0x") + " at offset " + std::to_string(i) +
                                     " (only printable ASCII)");
    }
  }
  static const char* const kFormats[] = {"raw", "qcow", "qcow2", "vhd", "qed"};
  if (std::none_of(std::begin(kFormats), std::end(kFormats),
                   [&](const char* f) { return disk.format == f; })) {
    return Status::InvalidArgument("disk format \"" + disk.format +
                                   "\" is not raw, qcow, qcow2, vhd or qed");
  }
  const std::string vdev = disk.vdev.empty() ? DefaultVdev(position) : disk.vdev;
  if (!ValidVdev(vdev)) {
    return Status::InvalidArgument("disk vdev \"" + vdev +
                                   "\" is not xvd, hd or sd followed by 1-3 letters");
  }
  return "format=" + disk.format + ", vdev=" + vdev + ", access=" + (disk.read_only ? "ro" : "rw") +
         ", target=" + disk.target;
}

Result<std::string> XlVifSpec(const XlVif& vif) {
  const bool ok = !vif.bridge.empty() && vif.bridge.size() <= 15 &&
                  std::all_of(vif.bridge.begin(), vif.bridge.end(), IsNameChar);
  if (!ok) {
    return Status::InvalidArgument("bridge name \"" + vif.bridge +
                                   "\" is not 1-15 characters of letters, digits, _ . -");
  }
  return "bridge=" + vif.bridge;
}

Result<std::string> RenderXlConfig(const XlConfig& c) {
  CIRUN_RETURN_IF_ERROR(CheckXlDomainName(c.name).WithContext("name"));
  if (c.kernel.empty() || c.kernel[0] != '/')
    return Status::InvalidArgument("kernel: \"" + c.kernel + "\" is not an absolute path");
  if (c.memory_mb < 1 || c.memory_mb > 1048576)
    return Status::InvalidArgument("memory: " + std::to_string(c.memory_mb) +
                                   " MB is not in 1..1048576");
  CIRUN_RETURN_IF_ERROR(CheckAction("on_poweroff", c.on_poweroff));
  CIRUN_RETURN_IF_ERROR(CheckAction("on_reboot", c.on_reboot));
  CIRUN_RETURN_IF_ERROR(CheckAction("on_crash", c.on_crash));
  std::vector<std::string> disks, vifs;
  for (size_t i = 0; i < c.disks.size(); ++i) {
    Result<std::string> spec = XlDiskSpec(c.disks[i], i);
    if (!spec.ok()) return spec.status().WithContext("disk[" + std::to_string(i) + "]");
    disks.push_back(*spec);
  }
  for (size_t i = 0; i < c.vifs.size(); ++i) {
    Result<std::string> spec = XlVifSpec(c.vifs[i]);
    if (!spec.ok()) return spec.status().WithContext("vif[" + std::to_string(i) + "]");
    vifs.push_back(*spec);
  }

  std::string out = "# xl domain configuration written by ci-run (xl.cfg(5))\n";
  CIRUN_RETURN_IF_ERROR(AppendString(out, "name", c.name));
  out += "type = \"pvh\"\n";
  CIRUN_RETURN_IF_ERROR(AppendString(out, "kernel", c.kernel));
  out += "memory = " + std::to_string(c.memory_mb) + "\n";
  if (!c.cmdline.empty()) CIRUN_RETURN_IF_ERROR(AppendString(out, "cmdline", c.cmdline));
  out += "on_poweroff = \"" + c.on_poweroff + "\"\n";
  out += "on_reboot = \"" + c.on_reboot + "\"\n";
  out += "on_crash = \"" + c.on_crash + "\"\n";
  CIRUN_RETURN_IF_ERROR(AppendList(out, "disk", disks));
  CIRUN_RETURN_IF_ERROR(AppendList(out, "vif", vifs));
  return out;
}

}  // namespace cirun
