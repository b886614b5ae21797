// Matrix expansion (GitHub Actions semantics) and --only cell filters.
#include "jobs/matrix.h"

#include <algorithm>
#include <optional>

namespace cirun {
namespace {

// Past this many combinations the product is rejected before exclude runs.
constexpr size_t kMaxProduct = 65536;

const std::string* FindValue(const MatrixValues& values, std::string_view key) {
  for (const auto& [k, v] : values) {
    if (k == key) return &v;
  }
  return nullptr;
}

// True if `values` has every key of `entry` with the same value.
bool ContainsAll(const MatrixValues& values, const MatrixValues& entry) {
  return std::all_of(entry.begin(), entry.end(), [&](const auto& kv) {
    const std::string* v = FindValue(values, kv.first);
    return v != nullptr && *v == kv.second;
  });
}

bool IsAxis(const Matrix& matrix, std::string_view key) {
  return std::any_of(matrix.axes.begin(), matrix.axes.end(),
                     [&](const MatrixAxis& a) { return a.name == key; });
}

// Number of combinations of the axes, saturating at kMaxProduct + 1.
size_t ProductSize(const std::vector<MatrixAxis>& axes) {
  size_t n = 1;
  for (const MatrixAxis& axis : axes) {
    n = std::min(n * axis.values.size(), kMaxProduct + 1);
  }
  return n;
}

// An exclude entry as (axis index, value index) pairs: comparing indices
// keeps 65536 combinations against 256 entries fast. nullopt if the entry
// names a value no axis has: it excludes nothing.
using AxisChoice = std::vector<std::pair<size_t, size_t>>;
std::optional<AxisChoice> ResolveExclude(const std::vector<MatrixAxis>& axes,
                                         const MatrixValues& entry) {
  AxisChoice out;
  for (const auto& kv : entry) {
    auto axis = std::find_if(axes.begin(), axes.end(),
                             [&](const MatrixAxis& a) { return a.name == kv.first; });
    if (axis == axes.end()) return std::nullopt;
    auto value = std::find(axis->values.begin(), axis->values.end(), kv.second);
    if (value == axis->values.end()) return std::nullopt;
    out.emplace_back(axis - axes.begin(), value - axis->values.begin());
  }
  return out;
}

// The cartesian product in axis order, the last axis varying fastest,
// without the combinations an `exclude` entry matches (every key equal).
std::vector<MatrixValues> Product(const std::vector<MatrixAxis>& axes,
                                  const std::vector<MatrixValues>& exclude) {
  std::vector<AxisChoice> excluded;
  for (const MatrixValues& entry : exclude) {
    if (auto choice = ResolveExclude(axes, entry)) excluded.push_back(std::move(*choice));
  }
  std::vector<MatrixValues> cells;
  if (std::any_of(axes.begin(), axes.end(), [](const MatrixAxis& a) { return a.values.empty(); }))
    return cells;
  std::vector<size_t> index(axes.size(), 0);  // an odometer over the axes' values
  for (;;) {
    const bool out = std::any_of(excluded.begin(), excluded.end(), [&](const AxisChoice& e) {
      return std::all_of(e.begin(), e.end(),
                         [&](const auto& c) { return index[c.first] == c.second; });
    });
    if (!out) {
      MatrixValues& cell = cells.emplace_back();
      for (size_t i = 0; i < axes.size(); ++i)
        cell.emplace_back(axes[i].name, axes[i].values[index[i]]);
    }
    size_t i = axes.size();
    for (;;) {
      if (i == 0) return cells;
      --i;
      if (++index[i] < axes[i].values.size()) break;
      index[i] = 0;
    }
  }
}

// True if adding `entry` to `cell` changes no original (axis) value.
bool CanExtend(const Matrix& matrix, const MatrixValues& cell, const MatrixValues& entry) {
  return std::all_of(entry.begin(), entry.end(), [&](const auto& kv) {
    return !IsAxis(matrix, kv.first) || *FindValue(cell, kv.first) == kv.second;
  });
}

void Assign(const MatrixValues& entry, MatrixValues* cell) {
  for (const auto& kv : entry) {
    // (Not a structured binding: clang 14 cannot capture one in a lambda.)
    auto it = std::find_if(cell->begin(), cell->end(),
                           [&](const auto& other) { return other.first == kv.first; });
    if (it != cell->end()) {
      it->second = kv.second;
    } else {
      cell->emplace_back(kv.first, kv.second);
    }
  }
}

// Step 3 for one entry: extends the first `originals` cells it fits, or
// appends it as a new cell (unless an identical new cell exists).
void ApplyInclude(const Matrix& matrix, const MatrixValues& entry, size_t originals,
                  std::vector<MatrixValues>* cells) {
  bool extended = false;
  for (size_t i = 0; i < originals; ++i) {
    if (!CanExtend(matrix, (*cells)[i], entry)) continue;
    Assign(entry, &(*cells)[i]);
    extended = true;
  }
  if (extended) return;
  if (std::find(cells->begin() + originals, cells->end(), entry) != cells->end()) return;
  cells->push_back(entry);
}

std::string Join(const MatrixValues& values, bool with_keys, char sep) {
  std::string out;
  for (const auto& [key, value] : values) {
    if (!out.empty()) out += sep;
    if (with_keys) out += key + "=";
    out += value;
  }
  return out;
}

}  // namespace

std::string MatrixCell::Get(std::string_view key) const {
  const std::string* v = FindValue(values, key);
  return v ? *v : std::string();
}

std::string MatrixCell::Label() const {
  return Join(values, false, '/');
}

std::string MatrixCell::Key() const {
  return Join(values, true, ',');
}

Result<std::vector<MatrixCell>> ExpandMatrix(const Matrix& matrix) {
  const size_t product = ProductSize(matrix.axes);
  if (product > kMaxProduct) {
    return Status::InvalidArgument("matrix expands to more than " + std::to_string(kMaxProduct) +
                                   " combinations (the limit is " +
                                   std::to_string(kMaxMatrixCells) + " cells)");
  }
  std::vector<MatrixValues> cells;
  if (!matrix.axes.empty() || matrix.include.empty()) cells = Product(matrix.axes, matrix.exclude);
  const size_t originals = cells.size();
  // `include` never removes a cell: past the limit already, it is not tried
  // (each entry is compared with every original cell).
  if (originals <= kMaxMatrixCells) {
    for (const MatrixValues& entry : matrix.include) ApplyInclude(matrix, entry, originals, &cells);
  }
  if (cells.empty()) {
    return Status::InvalidArgument("matrix expands to no cells (every combination is excluded)");
  }
  if (cells.size() > kMaxMatrixCells) {
    return Status::InvalidArgument("matrix expands to " + std::to_string(cells.size()) +
                                   " cells, more than the limit of " +
                                   std::to_string(kMaxMatrixCells));
  }
  std::vector<MatrixCell> out;
  out.reserve(cells.size());
  for (MatrixValues& values : cells) out.push_back(MatrixCell{std::move(values)});
  return out;
}

bool CellFilter::Matches(const MatrixCell& cell) const {
  return ContainsAll(cell.values, required);
}

std::string CellFilter::ToString() const {
  return Join(required, true, ',');
}

Result<CellFilter> ParseCellFilter(std::string_view text) {
  const std::string quoted = "cell filter \"" + std::string(text) + "\"";
  if (text.empty()) return Status::InvalidArgument("empty cell filter (expected key=value,...)");
  CellFilter filter;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = std::min(text.find(',', start), text.size());
    std::string_view pair = text.substr(start, comma - start);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument(quoted + ": \"" + std::string(pair) + "\" is not key=value");
    }
    if (eq == 0)
      return Status::InvalidArgument(quoted + ": empty key in \"" + std::string(pair) + "\"");
    filter.required.emplace_back(std::string(pair.substr(0, eq)), std::string(pair.substr(eq + 1)));
    start = comma + 1;
  }
  return filter;
}

bool CellSelected(const std::vector<CellFilter>& filters, const MatrixCell& cell) {
  if (filters.empty()) return true;
  return std::any_of(filters.begin(), filters.end(),
                     [&](const CellFilter& f) { return f.Matches(cell); });
}

}  // namespace cirun
