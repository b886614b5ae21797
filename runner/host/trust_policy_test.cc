#include "runner/host/trust_policy.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

TEST_CASE("TrustPolicy trusts owners, members and collaborators by default") {
  TrustPolicy p;
  CHECK(p.Trusts("OWNER", "alice"));
  CHECK(p.Trusts("MEMBER", "alice"));
  CHECK(p.Trusts("COLLABORATOR", "alice"));
  CHECK(p.Trusts("collaborator", "alice"));  // whatever the case
  CHECK(!p.Trusts("CONTRIBUTOR", "alice"));
  CHECK(!p.Trusts("FIRST_TIME_CONTRIBUTOR", "mallory"));
  CHECK(!p.Trusts("NONE", "mallory"));
  CHECK(!p.Trusts("", ""));  // a delivery without the fields
  CHECK(p.Describe() == "owners, members, collaborators");
}

TEST_CASE("TrustPolicy trusts listed users whatever their association") {
  TrustPolicy p;
  p.associations = {"OWNER"};
  p.users = {"Alice", "bob"};
  CHECK(p.Trusts("NONE", "alice"));
  CHECK(p.Trusts("FIRST_TIMER", "BOB"));
  CHECK(!p.Trusts("COLLABORATOR", "carol"));
  CHECK(!p.Trusts("NONE", ""));
  CHECK(p.Describe() == "owners, users Alice, bob");
}

TEST_CASE("TrustPolicy: everyone, and nobody") {
  TrustPolicy everyone;
  everyone.everyone = true;
  CHECK(everyone.Trusts("NONE", "mallory"));
  CHECK(everyone.Describe() == "everyone");
  TrustPolicy nobody;
  nobody.associations.clear();
  CHECK(!nobody.Trusts("OWNER", "alice"));
  CHECK(nobody.Describe() == "nobody (only `ci-run approve`)");
}

TEST_CASE("AssociationOfRole maps the roles of the trusted: list") {
  CHECK(AssociationOfRole("owners") == "OWNER");
  CHECK(AssociationOfRole("contributors") == "CONTRIBUTOR");
  CHECK(AssociationOfRole("collaborator").empty());
  CHECK(AssociationOfRole("users").empty());
}

}  // namespace
}  // namespace cirun
