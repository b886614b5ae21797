// ci-run's own version: printed by `ci-run --version` and recorded in every
// job's manifest (runner/pipeline/job_manifest.h).
#pragma once

namespace cirun {

/// The version of this ci-run, "MAJOR.MINOR.PATCH".
inline constexpr const char* kCiRunVersion = "0.1.0";

}  // namespace cirun
