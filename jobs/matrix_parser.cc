// Reading `matrix:` and checking its expansion.
#include "jobs/matrix_parser.h"

#include <algorithm>
#include <climits>
#include <set>

#include "jobs/job_plan.h"

namespace cirun {
namespace {

constexpr std::string_view kReservedKeys[] = {"include", "exclude", "fail-fast", "max-parallel"};
constexpr std::string_view kBuiltinVariable = "unikernel";

// Reports a key that cannot name a matrix value; returns false for it.
bool CheckKeyName(ConfigReader& r, const YAML::Node& key_node, const std::string& key) {
  if (key == kBuiltinVariable) {
    r.Error(r.Pos(key_node),
            "matrix key \"unikernel\" is reserved (${unikernel} is the "
            "unikernel's name)");
    return false;
  }
  if (!IsName(key)) {
    r.Error(r.Pos(key_node),
            "matrix key " + Quote(key) + ": expected letters, digits, '_', '.' or '-'");
    return false;
  }
  return true;
}

std::optional<MatrixAxis> ParseAxis(ConfigReader& r, const YamlEntry& e) {
  const std::string label = "matrix axis " + Quote(e.name);
  if (!e.value.IsSequence() || e.value.size() == 0) {
    r.Expected(e.value, r.Pos(e), label,
               "a non-empty list of values such as [a, b]" + DidYouMean(e.name, kReservedKeys));
    return std::nullopt;
  }
  MatrixAxis axis{e.name, {}};
  bool ok = CheckKeyName(r, e.key, e.name);
  std::set<std::string> seen;  // (a list search would be quadratic in a hostile axis)
  for (const YAML::Node& item : e.value) {
    if (!item.IsScalar()) {
      r.Expected(item, r.Pos(item), label, "a scalar value");
      ok = false;
    } else if (!seen.insert(item.Scalar()).second) {
      r.Error(r.Pos(item), label + ": duplicate value " + Quote(item.Scalar()));
      ok = false;
    } else {
      axis.values.push_back(item.Scalar());
    }
  }
  if (!ok) return std::nullopt;
  return axis;
}

std::optional<MatrixValues> ParseValues(ConfigReader& r, const YAML::Node& node,
                                        const std::string& label) {
  std::optional<std::vector<YamlEntry>> entries = r.Entries(node, r.Pos(node), label);
  if (!entries) return std::nullopt;
  MatrixValues values;
  bool ok = true;
  for (const YamlEntry& e : *entries) {
    if (!e.value.IsScalar()) {
      r.Expected(e.value, r.Pos(e), label + " key " + Quote(e.name), "a scalar value");
      ok = false;
    } else if (CheckKeyName(r, e.key, e.name)) {
      values.emplace_back(e.name, e.value.Scalar());
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return values;
}

// Reads `include:` or `exclude:`, a list of maps.
std::optional<std::vector<MatrixValues>> ParseEntryList(ConfigReader& r, const YamlEntry& e) {
  if (!e.value.IsSequence()) {
    r.Expected(e, "a list of maps such as [{target: xen}]");
    return std::nullopt;
  }
  if (e.value.size() > kMaxMatrixEntries) {
    // Each entry is tried against every combination (up to 65536): a longer
    // list (aliases make one cheap to write) would stall the planner.
    r.Error(r.Pos(e), "matrix " + e.name + ": at most " + std::to_string(kMaxMatrixEntries) +
                          " entries (this list has " + std::to_string(e.value.size()) + ")");
    return std::nullopt;
  }
  std::vector<MatrixValues> list;
  bool ok = true;
  for (const YAML::Node& item : e.value) {
    std::optional<MatrixValues> values = ParseValues(r, item, "matrix " + e.name + " entry");
    if (values) list.push_back(std::move(*values));
    ok = ok && values.has_value();
  }
  if (!ok) return std::nullopt;
  return list;
}

// Exclude entries (already read into `m`) must name at least one key, and
// only axes.
bool CheckExclude(ConfigReader& r, const YamlEntry& e, const Matrix& m) {
  bool ok = true;
  for (const YAML::Node& item : e.value) {
    if (item.size() == 0) {
      r.Error(r.Pos(item), "matrix exclude entry: expected at least one key");
      ok = false;
    }
    for (auto it = item.begin(); it != item.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (std::any_of(m.axes.begin(), m.axes.end(), [&](const auto& a) { return a.name == key; }))
        continue;
      r.Error(r.Pos(it->first),
              "matrix exclude key " + Quote(key) + " is not an axis of the matrix");
      ok = false;
    }
  }
  return ok;
}

// Reads one entry of the matrix map into `m`; returns false on a problem.
bool ParseMatrixEntry(ConfigReader& r, const YamlEntry& e, Matrix* m) {
  if (e.name == "fail-fast") {
    std::optional<bool> b = r.Bool(e);
    m->fail_fast = b.value_or(false);
    return b.has_value();
  }
  if (e.name == "max-parallel") {
    std::optional<int64_t> n = r.Int(e, 1, INT_MAX);
    m->max_parallel = static_cast<int>(n.value_or(0));
    return n.has_value();
  }
  if (e.name == "include" || e.name == "exclude") {
    std::optional<std::vector<MatrixValues>> list = ParseEntryList(r, e);
    (e.name == "include" ? m->include : m->exclude) = list.value_or(std::vector<MatrixValues>());
    return list.has_value();
  }
  std::optional<MatrixAxis> axis = ParseAxis(r, e);
  if (axis) m->axes.push_back(std::move(*axis));
  return axis.has_value();
}

void AddKey(const YAML::Node& key, std::vector<std::string>* keys) {
  if (!key.IsScalar()) return;
  if (std::find(keys->begin(), keys->end(), key.Scalar()) == keys->end()) {
    keys->push_back(key.Scalar());
  }
}

// Axis names and include keys, read without checking shapes.
std::vector<std::string> LenientKeys(const YAML::Node& matrix) {
  std::vector<std::string> keys;
  if (!matrix.IsMap()) return keys;
  for (auto it = matrix.begin(); it != matrix.end(); ++it) {
    const std::string name = it->first.IsScalar() ? it->first.Scalar() : "";
    if (std::find(std::begin(kReservedKeys), std::end(kReservedKeys), name) ==
        std::end(kReservedKeys)) {
      AddKey(it->first, &keys);
    }
  }
  const YAML::Node include = matrix["include"];
  if (!include || !include.IsSequence()) return keys;
  for (const YAML::Node& entry : include) {
    if (!entry.IsMap()) continue;
    for (auto it = entry.begin(); it != entry.end(); ++it) AddKey(it->first, &keys);
  }
  return keys;
}

}  // namespace

std::optional<Matrix> ParseMatrix(ConfigReader& r, const YamlEntry& entry) {
  std::optional<std::vector<YamlEntry>> entries = r.Entries(entry);
  if (!entries) return std::nullopt;
  Matrix matrix;
  // GitHub's default for fail-fast is true; ci-run's is false: one broken
  // target should not hide the state of the others.
  matrix.fail_fast = false;
  bool ok = true;
  for (const YamlEntry& e : *entries) ok = ParseMatrixEntry(r, e, &matrix) && ok;
  if (const YamlEntry* exclude = FindEntry(*entries, "exclude"); ok && exclude) {
    ok = CheckExclude(r, *exclude, matrix);
  }
  if (!ok) return std::nullopt;
  return matrix;
}

CheckedMatrix ReadMatrix(ConfigReader& r, const YamlEntry& entry) {
  CheckedMatrix checked;
  checked.where = r.Pos(entry.key);
  checked.keys = LenientKeys(entry.value);
  checked.matrix = ParseMatrix(r, entry);
  if (!checked.matrix) return checked;
  if (checked.matrix->axes.empty() && checked.matrix->include.empty()) {
    checked.problem = "empty matrix: a \"target\" axis is required, e.g. matrix: {target: [unix]}";
    return checked;
  }
  Result<std::vector<MatrixCell>> cells = ExpandMatrix(*checked.matrix);
  if (!cells.ok()) {
    checked.problem = cells.status().message();
    return checked;
  }
  for (const MatrixCell& cell : *cells) {
    if (!cell.Get(kTargetAxis).empty()) continue;
    checked.problem = "matrix cell " + Quote(cell.Key()) +
                      " has no \"target\" value (every cell needs one: add a \"target\" axis)";
    return checked;
  }
  checked.cells = std::move(*cells);
  return checked;
}

}  // namespace cirun
