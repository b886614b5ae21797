// Solo5Backend: the `hvt` and `spt` targets, run by the Solo5 tenders.
#pragma once

#include "harness/boot_backend.h"

namespace cirun {

class Solo5Backend : public BootBackend {
 public:
  explicit Solo5Backend(TargetSpec target) : target_(std::move(target)) {}

  const TargetSpec& target() const override { return target_; }
  /// Unavailable "<tender> not found in PATH" unless the tender is found.
  Status CheckAvailable() const override;
  /// argv = [tender, --mem=MB, extra_args..., --, image, CMDLINE]. The tenders
  /// join everything after the image with single spaces into the guest's
  /// command line, so GuestCommandLine(request) goes as ONE element (omitted
  /// when empty) and reaches the guest byte for byte. InvalidArgument for a NUL.
  Result<ProcessSpec> Command(const BootRequest& request) const override;
  /// Exit code as is, but 255 -> kCrash (Solo5 abort); signals and spawn
  /// failures -> kHostError.
  GuestExit DecodeExit(const ProcessExit& exit, std::string_view console) const override;

  /// The tender binary: solo5.tender, or solo5-hvt / solo5-spt by backend kind.
  std::string Tender() const;

 private:
  TargetSpec target_;
};

}  // namespace cirun
