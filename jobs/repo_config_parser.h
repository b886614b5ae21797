// Parsing and validating `.ci-run.yml` (yaml-cpp inside; no exception escapes).
//
// Rules beyond the shapes of repo_config.h:
// - `matrix:` may be given at the top level and/or per unikernel (which then
//   replaces it). Every cell must have a `target` value; at most 256 cells.
// - An empty `boot:`, `fuzz:`, `bench:` or `matrix:` means "all defaults".
// - A test inherits `timeout` and `fail` from `boot`; `args`, `expect` and
//   `exit` default to [], [], [0] as for boot.
// - ${name} in build, image, args, expect, fail and bench args must be a key
//   of the unikernel's matrix (axes or include keys) that every expanded cell
//   has, or the built-in ${unikernel}; `path` takes no variables. In a flow
//   list or map ([...], {...}) such strings must be quoted (YAML syntax).
// - Names (unikernels, tests, matrix keys, metrics) are [A-Za-z0-9_.-]+.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "jobs/repo_config.h"

namespace cirun {

/// One problem found in a configuration file.
struct ConfigDiagnostic {
  SourcePos where;
  std::string message;  // what is wrong and what was expected
  /// "file:line:col: message"
  std::string ToString() const;
};

/// Parses `text` (the contents of `file_name`) into a RepoConfig.
///
/// On success returns the validated config. On any error returns
/// InvalidArgument whose message is every diagnostic found, one per line, each
/// as "file:line:col: message", in file order; nothing partial is returned.
/// Checks: YAML syntax, unknown keys (with a "did you mean" hint), types,
/// required fields (`unikernels`, each `build` and `image`), durations ("10s",
/// "500ms", "2m"), regexes compile, exit codes in 0..255, matrix shape and size
/// (at most 256 cells after expansion), and that every ${variable} used is a
/// matrix key or a built-in (unikernel).
Result<RepoConfig> ParseRepoConfig(std::string_view text, const std::string& file_name);

/// Same, collecting diagnostics instead of folding them into a Status. Returns
/// an empty vector and fills `out` on success.
std::vector<ConfigDiagnostic> ParseRepoConfigDiagnostics(std::string_view text,
                                                         const std::string& file_name,
                                                         RepoConfig* out);

/// Parses a duration such as "10s", "500ms", "2m", "1h" or a bare number of
/// seconds. Returns InvalidArgument for anything else or a negative value.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace cirun
