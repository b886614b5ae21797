#include "harness/solo5_backend.h"

#include "harness/boot_command_line.h"
#include "harness/executable_search.h"

namespace cirun {

std::string Solo5Backend::Tender() const {
  if (!target_.solo5.tender.empty()) return target_.solo5.tender;
  return target_.backend == BackendKind::kSolo5Spt ? "solo5-spt" : "solo5-hvt";
}

Status Solo5Backend::CheckAvailable() const {
  return FindExecutable(Tender()).status();
}

Result<ProcessSpec> Solo5Backend::Command(const BootRequest& request) const {
  Result<std::string> command_line = GuestCommandLine(request);
  if (!command_line.ok()) return command_line.status();
  ProcessSpec spec;
  spec.argv = {Tender(), "--mem=" + target_.solo5.memory_mb};
  spec.argv.insert(spec.argv.end(), target_.solo5.extra_args.begin(),
                   target_.solo5.extra_args.end());
  spec.argv.insert(spec.argv.end(), {"--", request.image});
  if (!command_line->empty()) spec.argv.push_back(*command_line);
  spec.cwd = request.work_dir;
  spec.timeout = request.timeout;
  return spec;
}

GuestExit Solo5Backend::DecodeExit(const ProcessExit& exit, std::string_view) const {
  switch (exit.kind) {
    case ProcessExit::Kind::kExited:
      if (exit.code == 255)
        return GuestExit{GuestExit::Kind::kCrash, 255, "Solo5 abort (exit 255)"};
      return GuestExit{GuestExit::Kind::kCode, exit.code, ""};
    case ProcessExit::Kind::kSignaled:
    case ProcessExit::Kind::kSpawnFailed:
      return GuestExit{GuestExit::Kind::kHostError, 0, exit.Describe()};
    default:
      return GuestExit{};
  }
}

}  // namespace cirun
