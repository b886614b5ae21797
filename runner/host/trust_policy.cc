#include "runner/host/trust_policy.h"

#include <algorithm>

namespace cirun {
namespace {

struct Role {
  const char* name;
  const char* association;
};
constexpr Role kRoles[] = {{"owners", "OWNER"},
                           {"members", "MEMBER"},
                           {"collaborators", "COLLABORATOR"},
                           {"contributors", "CONTRIBUTOR"}};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool ContainsIgnoringCase(const std::vector<std::string>& list, const std::string& word) {
  return !word.empty() && std::any_of(list.begin(), list.end(), [&](const std::string& item) {
    return Lower(item) == Lower(word);
  });
}

}  // namespace

bool TrustPolicy::Trusts(const std::string& association, const std::string& login) const {
  return everyone || ContainsIgnoringCase(associations, association) ||
         ContainsIgnoringCase(users, login);
}

std::string TrustPolicy::Describe() const {
  if (everyone) return "everyone";
  std::string out;
  for (const Role& role : kRoles) {
    if (ContainsIgnoringCase(associations, role.association))
      out += (out.empty() ? "" : ", ") + std::string(role.name);
  }
  if (!users.empty()) {
    out += (out.empty() ? "users " : ", users ");
    for (size_t i = 0; i < users.size(); ++i) out += (i ? ", " : "") + users[i];
  }
  return out.empty() ? "nobody (only `ci-run approve`)" : out;
}

std::string AssociationOfRole(const std::string& role) {
  for (const Role& r : kRoles)
    if (role == r.name) return r.association;
  return "";
}

}  // namespace cirun
