// Reading a `matrix:` section and checking what it expands to (parser internal).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jobs/config_reader.h"
#include "jobs/matrix.h"
#include "jobs/repo_config.h"

namespace cirun {

/// Reads a `matrix:` map: axes (any key whose value is a non-empty list of
/// distinct scalars), `include`, `exclude` (whose keys must be axes),
/// `fail-fast` and `max-parallel`. Axis and include keys must be names
/// ([A-Za-z0-9_.-]+) other than the built-in `unikernel`. Reports problems via
/// `reader` and returns nullopt if there were any.
std::optional<Matrix> ParseMatrix(ConfigReader& reader, const YamlEntry& entry);

/// A `matrix:` section as the parser checks it.
struct CheckedMatrix {
  std::optional<Matrix> matrix;   // nullopt if it did not parse (errors reported)
  std::vector<std::string> keys;  // axis names, then include keys; read even if it did not parse
  SourcePos where;                // the `matrix` key
  std::vector<MatrixCell> cells;  // the expansion; empty unless usable
  std::string problem;            // why a parsed matrix cannot be used (too many
                                  // cells, none, a cell without target); "" if usable
};

/// ParseMatrix, then expands the result and checks that every cell has a
/// `target` value. Does not report `problem`: the caller does, once, and only
/// if some unikernel uses the matrix.
CheckedMatrix ReadMatrix(ConfigReader& reader, const YamlEntry& entry);

/// What a unikernel without any matrix is told.
inline constexpr const char kNoMatrixProblem[] =
    "no matrix: a \"target\" axis is required, e.g. matrix: {target: [unix]}";

}  // namespace cirun
