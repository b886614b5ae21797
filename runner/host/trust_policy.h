// TrustPolicy: whose pull requests run at once, and who may approve the
// others (`trusted:` in the service config, service_config.h).
//
// GitHub sends, with every pull request and comment, the author's login and
// `author_association` with the repository: OWNER, MEMBER (of the owning
// organisation), COLLABORATOR (invited), CONTRIBUTOR (has had a commit
// merged), FIRST_TIME_CONTRIBUTOR, FIRST_TIMER, MANNEQUIN or NONE. A pull
// request whose author is not trusted is queued waiting for approval; a
// trusted user approves it with a `/ci-run approve` comment.
#pragma once

#include <string>
#include <vector>

namespace cirun {

struct TrustPolicy {
  // The author_association values trusted, as GitHub spells them. Default:
  // the repository's owner, the organisation's members and collaborators.
  std::vector<std::string> associations{"OWNER", "MEMBER", "COLLABORATOR"};
  std::vector<std::string> users;  // logins trusted whatever their association
  bool everyone = false;           // no approvals: every pull request runs at once

  /// True if the GitHub user `login` with `association` (author_association,
  /// e.g. "COLLABORATOR" or "NONE") is trusted. Logins and associations
  /// compare case-insensitively; an empty login or association matches
  /// nothing but `everyone`.
  bool Trusts(const std::string& association, const std::string& login) const;

  /// Who is trusted, for messages: "owners, members, collaborators, users
  /// alice, bob", "everyone" or "nobody (only `ci-run approve`)".
  std::string Describe() const;
};

/// A role of the `trusted:` list and the author_association it stands for:
/// owners OWNER, members MEMBER, collaborators COLLABORATOR, contributors
/// CONTRIBUTOR. Returns "" for any other word.
std::string AssociationOfRole(const std::string& role);

}  // namespace cirun
