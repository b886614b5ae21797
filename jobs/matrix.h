// Matrix expansion with GitHub Actions semantics, and cell selection.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "jobs/repo_config.h"

namespace cirun {

/// The most cells one matrix may expand to (GitHub's limit).
inline constexpr size_t kMaxMatrixCells = 256;
/// The most entries an `include:` or an `exclude:` list may hold.
inline constexpr size_t kMaxMatrixEntries = 256;

/// One expanded matrix combination.
struct MatrixCell {
  MatrixValues values;  // axis order first, then keys added by `include`

  /// Value of `key`, or "" if the cell has no such key.
  std::string Get(std::string_view key) const;
  /// Values joined by '/', e.g. "gcc/virtio" (used in names and status contexts).
  std::string Label() const;
  /// "compiler=gcc,target=virtio": stable, unique within one matrix.
  std::string Key() const;
  bool operator==(const MatrixCell&) const = default;
};

/// Expands `matrix` the way GitHub Actions does:
/// 1. the cartesian product of the axes, in axis order (last axis varies fastest);
/// 2. each `exclude` entry removes every cell whose values match all of the
///    entry's keys (a partial match);
/// 3. each `include` entry, in order: its key/values are added to every
///    remaining cell for which none of the entry's values overwrite an original
///    axis value (values added by an earlier include may be overwritten); if it
///    could be added to no cell, it becomes a new cell of its own.
/// New cells made by step 3 are never extended by later include entries, and
/// an include identical to an earlier new cell adds nothing. Without axes,
/// every include entry is a cell of its own.
/// Returns InvalidArgument if the result has more than kMaxMatrixCells cells or
/// no cells at all (a product of the axes over 65536 is rejected before
/// exclude). An empty matrix (no axes, no include) yields one empty cell.
Result<std::vector<MatrixCell>> ExpandMatrix(const Matrix& matrix);

/// A `--only key=value,key=value` selection; several filters are OR-ed, the
/// pairs within one are AND-ed.
struct CellFilter {
  MatrixValues required;
  /// True if the cell has every required key with that value.
  bool Matches(const MatrixCell& cell) const;
  /// "compiler=gcc,target=virtio" (the form ParseCellFilter reads).
  std::string ToString() const;
};

/// Parses "compiler=gcc,target=virtio". Returns InvalidArgument on an empty
/// string, a missing '=' or an empty key.
Result<CellFilter> ParseCellFilter(std::string_view text);

/// True if `filters` is empty or any filter matches.
bool CellSelected(const std::vector<CellFilter>& filters, const MatrixCell& cell);

}  // namespace cirun
