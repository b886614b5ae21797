// SourcePos and ConfigDiagnostic formatting.
#include "jobs/repo_config.h"

#include "jobs/repo_config_parser.h"

namespace cirun {

std::string SourcePos::ToString() const {
  if (line <= 0) return file;
  std::string out = file + ":" + std::to_string(line);
  if (column > 0) out += ":" + std::to_string(column);
  return out;
}

std::string ConfigDiagnostic::ToString() const {
  return where.ToString() + ": " + message;
}

}  // namespace cirun
