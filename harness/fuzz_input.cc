#include "harness/fuzz_input.h"

#include <cstdio>

#include "base/hex.h"
#include "harness/boot_command_line.h"

namespace cirun {
namespace {

std::string ShowByte(unsigned char c) {
  if (c >= 0x20 && c < 0x7f && c != '\\') return std::string(1, static_cast<char>(c));
  if (c == '\\') return "\\\\";
  return HexByte(c, "\\x");
}

}  // namespace

std::string FuzzInput::CommandLine() const {
  return raw ? *raw : JoinBootArgs(args);
}

std::optional<std::vector<std::string>> FuzzInput::GuestArgs() const {
  Result<std::vector<std::string>> split = SplitBootCommandLine(CommandLine());
  if (!split.ok()) return std::nullopt;
  return std::move(split).value();
}

void FuzzInput::ApplyTo(BootRequest* request) const {
  request->args = raw ? std::vector<std::string>{} : args;
  request->raw_command_line = raw;
}

std::string AbbreviateCommandLine(std::string_view line, size_t max) {
  std::string out;
  size_t i = 0;
  while (i < line.size() && out.size() < max) {
    size_t run = 1;
    while (i + run < line.size() && line[i + run] == line[i]) ++run;
    const std::string byte = ShowByte(static_cast<unsigned char>(line[i]));
    if (run >= 10) {
      out += "<" + std::to_string(run) + " x '" + byte + "'>";
      i += run;
    } else {
      out += byte;
      ++i;
    }
  }
  if (i < line.size()) out += "...(" + std::to_string(line.size()) + " bytes)";
  return out;
}

}  // namespace cirun
