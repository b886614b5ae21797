// The three YAML config parsers behind one call, and the contract each keeps
// on any input: the fuzz targets (tests/fuzz/*_fuzz.cc, built with libFuzzer
// by tests/fuzz/libfuzzer/) and the plain corpus test (config_corpus_test.cc,
// built with the project) check it the same way.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace cirun {

/// Which parser: `.ci-run.yml` (ParseRepoConfig), the host config
/// (ApplyHostConfig over the defaults) or the service config
/// (ParseServiceConfig).
enum class ConfigKind { kRepo, kHost, kService };

/// "repo_config", "host_config", "service_config": the corpus folder names.
std::string_view ConfigKindName(ConfigKind kind);

/// The file name the parser is given: ".ci-run.yml", "host.yml", "service.yml"
/// (the name every diagnostic must start with).
std::string ConfigFileName(ConfigKind kind);

/// Parses `text` with the parser of `kind`; returns its Status (OK, or the
/// error whose message lists the diagnostics). Never throws.
Status ParseConfigAs(ConfigKind kind, std::string_view text);

/// The contract of a parser's result on `text`: OK, or an error whose message
/// is one or more lines, each "FILE:LINE:COL: message" with FILE `file`,
/// 1 <= LINE <= the number of lines in `text` (its newlines plus one: the
/// end of the file counts), COL >= 1 and a non-empty message. Returns "" when it holds, else what
/// breaks it.
std::string ContractViolation(const Status& status, std::string_view file, std::string_view text);

/// The fuzz targets' body: parses `data` as `kind` and, on a contract
/// violation, prints it with the input's size and aborts (libFuzzer then
/// saves the input as a crash).
int FuzzConfigOnce(ConfigKind kind, const uint8_t* data, size_t size);

}  // namespace cirun
