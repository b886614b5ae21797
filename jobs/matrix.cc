// Matrix expansion (GitHub Actions semantics) and --only cell filters.
#include "jobs/matrix.h"

#include <algorithm>

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

// The cartesian product in axis order, the last axis varying fastest.
std::vector<MatrixValues> Product(const std::vector<MatrixAxis>& axes) {
  std::vector<MatrixValues> cells(1);
  for (const MatrixAxis& axis : axes) {
    std::vector<MatrixValues> next;
    next.reserve(cells.size() * axis.values.size());
    for (const MatrixValues& cell : cells) {
      for (const std::string& value : axis.values) {
        next.push_back(cell);
        next.back().emplace_back(axis.name, value);
      }
    }
    cells = std::move(next);
  }
  return cells;
}

void RemoveExcluded(const std::vector<MatrixValues>& exclude, std::vector<MatrixValues>* cells) {
  std::erase_if(*cells, [&](const MatrixValues& cell) {
    return std::any_of(exclude.begin(), exclude.end(),
                       [&](const MatrixValues& entry) { return ContainsAll(cell, entry); });
  });
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
  if (!matrix.axes.empty() || matrix.include.empty()) cells = Product(matrix.axes);
  RemoveExcluded(matrix.exclude, &cells);
  const size_t originals = cells.size();
  for (const MatrixValues& entry : matrix.include) ApplyInclude(matrix, entry, originals, &cells);
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
