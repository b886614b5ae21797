// Reading one unikernel: its fields, then boot, tests, fuzz and bench.
#include "jobs/unikernel_parser.h"

#include "jobs/bench_spec_parser.h"
#include "jobs/boot_case_parser.h"
#include "jobs/fuzz_spec_parser.h"
#include "jobs/variable_scope.h"

namespace cirun {
namespace {

constexpr std::string_view kUnikernelKeys[] = {"path", "build", "image", "build-timeout", "matrix",
                                               "boot", "tests", "fuzz",  "bench"};

// True if `path` is relative and has no ".." component.
bool InsideRepository(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = std::min(path.find('/', start), path.size());
    if (path.substr(start, slash - start) == "..") return false;
    start = slash + 1;
  }
  return true;
}

void ReadPath(ConfigReader& r, const YamlEntry& e, UnikernelSpec* uk) {
  std::optional<YamlString> path = r.String(e);
  if (!path) return;
  if (!InsideRepository(path->text)) {
    r.Expected(e, "a relative directory inside the repository (no leading '/', no \"..\")");
  } else if (path->text.find("${") != std::string::npos) {
    r.Error(path->pos, "\"path\": variables are not expanded in \"path\"");
  } else {
    uk->path = path->text;
  }
}

// `build` or `image`: a required non-empty string whose variables are checked.
void ReadCommand(ConfigReader& r, const std::vector<YamlEntry>& entries, std::string_view key,
                 const VariableScope& scope, const UnikernelSpec& uk, std::string* out) {
  const YamlEntry* e = FindEntry(entries, key);
  if (!e) {
    r.Missing(uk.where, key, "in unikernel " + Quote(uk.name));
    return;
  }
  std::optional<YamlString> s = r.NonEmptyString(*e);
  if (!s) return;
  scope.Check(r, key, *s, false);
  *out = s->text;
}

// The unikernel's own matrix if it has one (its problem reported here), else
// `top`.
const CheckedMatrix* ChooseMatrix(ConfigReader& r, const std::vector<YamlEntry>& entries,
                                  const CheckedMatrix* top, std::optional<CheckedMatrix>* own,
                                  UnikernelSpec* uk, bool* uses_top) {
  const YamlEntry* m = FindEntry(entries, "matrix");
  *uses_top = m == nullptr;
  if (!m) return top;
  *own = ReadMatrix(r, *m);
  uk->matrix = (*own)->matrix;
  if (!(*own)->problem.empty()) r.Error((*own)->where, (*own)->problem);
  return &**own;
}

void ReadSteps(ConfigReader& r, const std::vector<YamlEntry>& entries, const VariableScope& scope,
               UnikernelSpec* uk) {
  if (const YamlEntry* e = FindEntry(entries, "boot")) {
    uk->boot = ParseBoot(r, *e, scope, uk->name).value_or(uk->boot);
  }
  if (const YamlEntry* e = FindEntry(entries, "tests")) {
    uk->tests = ParseTests(r, *e, uk->boot, scope, uk->name).value_or(std::vector<BootCase>());
  }
  if (const YamlEntry* e = FindEntry(entries, "fuzz")) uk->fuzz = ParseFuzz(r, *e, uk->name);
  if (const YamlEntry* e = FindEntry(entries, "bench")) {
    uk->bench = ParseBench(r, *e, scope, uk->boot.args, uk->name);
  }
}

}  // namespace

std::optional<UnikernelSpec> ParseUnikernel(ConfigReader& r, const YamlEntry& entry,
                                            const CheckedMatrix* top, bool* uses_top) {
  const size_t errors = r.error_count();
  UnikernelSpec uk;
  uk.name = entry.name;
  uk.where = r.Pos(entry.key);
  uk.boot.where = uk.where;
  if (!IsName(uk.name)) {
    r.Expected(entry.key, uk.where, "unikernel name", "letters, digits, '_', '.' or '-'");
  }
  auto entries = r.Entries(entry);
  *uses_top = false;
  if (!entries) return std::nullopt;
  r.CheckKeys(*entries, kUnikernelKeys, "in unikernel " + Quote(uk.name));

  std::optional<CheckedMatrix> own;
  const CheckedMatrix* matrix = ChooseMatrix(r, *entries, top, &own, &uk, uses_top);
  const VariableScope scope(matrix);
  if (const YamlEntry* e = FindEntry(*entries, "path")) ReadPath(r, *e, &uk);
  ReadCommand(r, *entries, "build", scope, uk, &uk.build);
  ReadCommand(r, *entries, "image", scope, uk, &uk.image);
  if (const YamlEntry* e = FindEntry(*entries, "build-timeout")) {
    uk.build_timeout = r.Duration(*e, false).value_or(uk.build_timeout);
  }
  ReadSteps(r, *entries, scope, &uk);
  if (r.error_count() != errors) return std::nullopt;
  return uk;
}

}  // namespace cirun
