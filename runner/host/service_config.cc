#include "runner/host/service_config.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "jobs/config_reader.h"
#include "runner/common/paths.h"

namespace cirun {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTopKeys[] = {
    "listen",  "database",   "data-dir", "cache-dir", "github",  "repositories", "worker",
    "nightly", "toolchains", "targets",  "sandbox",   "trusted", "web"};
constexpr std::string_view kGitHubKeys[] = {
    "api",         "token-file",      "token-env",  "webhook-secret-file", "webhook-secret-env",
    "retry-delay", "status-attempts", "max-payload"};
constexpr std::string_view kWebKeys[] = {"public-url", "token-file", "token-env", "require-login"};
constexpr std::string_view kNightlyKeys[] = {"fuzz-boots", "fuzz-time", "bench", "history",
                                             "reproducible"};
constexpr std::string_view kRepoKeys[] = {"url", "branches", "pull-requests", "nightly", "trusted"};
constexpr std::string_view kTrustedRoles[] = {"owners",       "members",  "collaborators",
                                              "contributors", "everyone", "users"};
constexpr std::string_view kTrustedMapKeys[] = {"users"};
constexpr const char* kTrustedSyntax =
    "owners, members, collaborators, contributors, everyone or users: [LOGIN, ...]";
constexpr std::string_view kWorkerKeys[] = {"slots",           "labels",      "lease",
                                            "queue-timeout",   "in-serve",    "infra-retries",
                                            "unhealthy-after", "health-check"};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A path from the config: absolute, or relative to the config's directory.
std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

// A GitHub login: letters, digits and '-', or a bot's "name[bot]".
bool IsLogin(std::string_view s) {
  if (s.ends_with("[bot]")) s.remove_suffix(5);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_';
  });
}

// "HOST:PORT", ":PORT" or "PORT".
bool ParseListen(const std::string& text, std::string* host, int* port) {
  size_t colon = text.rfind(':');
  std::string h = colon == std::string::npos ? "" : text.substr(0, colon);
  std::string p = colon == std::string::npos ? text : text.substr(colon + 1);
  int value = -1;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (ec != std::errc() || end != p.data() + p.size() || value < 0 || value > 65535) return false;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  *host = h.empty() ? "0.0.0.0" : h;
  *port = value;
  return true;
}

class Parser {
 public:
  Parser(ConfigReader& r, ServiceConfig* out, std::string base_dir)
      : r_(r), out_(out), base_dir_(std::move(base_dir)) {}

  void Top(const YAML::Node& root) {
    if (root.IsNull()) return;
    auto entries = r_.Entries(root, r_.Start(), "top level");
    if (!entries) return;
    r_.CheckKeys(*entries, kTopKeys, "at the top level");
    for (const YamlEntry& e : *entries) {
      if (e.name == "listen") {
        Listen(e);
      } else if (e.name == "database") {
        if (auto s = r_.NonEmptyString(e)) out_->database = s->text;
      } else if (e.name == "data-dir") {
        if (auto s = r_.NonEmptyString(e)) out_->data_dir = ResolvePath(base_dir_, s->text);
      } else if (e.name == "cache-dir") {
        if (auto s = r_.NonEmptyString(e)) out_->cache_dir = ResolvePath(base_dir_, s->text);
      } else if (e.name == "github") {
        GitHub(e);
      } else if (e.name == "repositories") {
        Repositories(e);
      } else if (e.name == "worker") {
        Worker(e);
      } else if (e.name == "nightly") {
        Nightly(e);
      } else if (e.name == "trusted") {
        if (auto policy = Trusted(e)) out_->trusted = *policy;
      } else if (e.name == "web") {
        Web(e);
      }
    }
    // A repository without its own `trusted:` follows the top level's.
    for (RepositoryConfig& repo : out_->repositories)
      if (!own_trust_.contains(repo.name)) repo.trusted = out_->trusted;
  }

 private:
  void Listen(const YamlEntry& e) {
    auto s = r_.String(e);
    if (s && !ParseListen(s->text, &out_->listen_host, &out_->listen_port)) {
      r_.Expected(e, "HOST:PORT, e.g. \"127.0.0.1:8080\" or \"0.0.0.0:8080\"");
    }
  }

  void Secret(const YamlEntry& e, const char* file_key, SecretSource* out,
              const std::vector<YamlEntry>& siblings, const char* env_key) {
    auto s = r_.NonEmptyString(e);
    if (!s) return;
    if (e.name == file_key) {
      out->file = ResolvePath(base_dir_, s->text);
      if (FindEntry(siblings, env_key)) {
        r_.Error(r_.Pos(e.key),
                 "give either " + Quote(file_key) + " or " + Quote(env_key) + ", not both");
      }
    } else {
      out->env = s->text;
    }
    out->where = s->pos.ToString();
  }

  void Web(const YamlEntry& section) {
    auto entries = r_.Entries(section);
    if (!entries) return;
    r_.CheckKeys(*entries, kWebKeys, "in \"web\"");
    for (const YamlEntry& e : *entries) {
      if (e.name == "public-url") {
        if (auto s = r_.NonEmptyString(e)) {
          std::string url = s->text;
          while (url.size() > 1 && url.back() == '/') url.pop_back();
          if (!url.starts_with("http://") && !url.starts_with("https://"))
            r_.Expected(e, "an http:// or https:// URL");
          else
            out_->web.public_url = url;
        }
      } else if (e.name == "token-file" || e.name == "token-env") {
        Secret(e, "token-file", &out_->web.token, *entries, "token-env");
      } else if (e.name == "require-login") {
        if (auto b = r_.Bool(e)) out_->web.require_login = *b;
      }
    }
  }

  void GitHub(const YamlEntry& section) {
    auto entries = r_.Entries(section);
    if (!entries) return;
    r_.CheckKeys(*entries, kGitHubKeys, "in \"github\"");
    for (const YamlEntry& e : *entries) {
      if (e.name == "api") {
        if (auto s = r_.NonEmptyString(e)) {
          std::string api = s->text;
          while (api.size() > 1 && api.back() == '/') api.pop_back();
          if (!api.starts_with("http://") && !api.starts_with("https://"))
            r_.Expected(e, "an http:// or https:// URL");
          else
            out_->github_api = api;
        }
      } else if (e.name == "token-file" || e.name == "token-env") {
        Secret(e, "token-file", &out_->github_token, *entries, "token-env");
      } else if (e.name == "webhook-secret-file" || e.name == "webhook-secret-env") {
        Secret(e, "webhook-secret-file", &out_->webhook_secret, *entries, "webhook-secret-env");
      } else if (e.name == "retry-delay") {
        if (auto d = r_.Duration(e, false)) out_->status_retry_delay = *d;
      } else if (e.name == "status-attempts") {
        if (auto n = r_.Int(e, 1, 100)) out_->status_attempts = static_cast<int>(*n);
      } else if (e.name == "max-payload") {
        if (auto n = r_.Int(e, 1024, int64_t{1} << 30))
          out_->max_webhook_bytes = static_cast<size_t>(*n);
      }
    }
  }

  void Repositories(const YamlEntry& section) {
    auto entries = r_.Entries(section);
    if (!entries) return;
    for (const YamlEntry& e : *entries) {
      const size_t slash = e.name.find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == e.name.size() ||
          e.name.find('/', slash + 1) != std::string::npos || !IsName(e.name.substr(0, slash)) ||
          !IsName(e.name.substr(slash + 1))) {
        r_.Error(r_.Pos(e.key),
                 "repository " + Quote(e.name) + ": expected a GitHub name \"owner/name\"");
        continue;
      }
      if (out_->FindRepository(e.name)) {
        r_.Error(r_.Pos(e.key), "repository " + Quote(e.name) + " is configured twice");
        continue;
      }
      RepositoryConfig repo;
      repo.name = e.name;
      Repository(e, &repo);
      out_->repositories.push_back(std::move(repo));
    }
  }

  void Repository(const YamlEntry& section, RepositoryConfig* repo) {
    auto entries = r_.Entries(section);
    if (!entries) return;
    r_.CheckKeys(*entries, kRepoKeys, "in repository " + Quote(repo->name));
    for (const YamlEntry& e : *entries) {
      if (e.name == "url") {
        if (auto s = r_.NonEmptyString(e)) {
          const bool is_url = s->text.find("://") != std::string::npos;
          repo->url = is_url ? s->text : ResolvePath(base_dir_, s->text);
        }
      } else if (e.name == "branches") {
        if (auto list = r_.Strings(e)) {
          repo->branches.clear();
          for (const YamlString& b : *list) {
            if (b.text.empty() || b.text.starts_with("refs/"))
              r_.Error(b.pos, "\"branches\": expected branch names such as \"main\" (or \"*\")");
            else
              repo->branches.push_back(b.text);
          }
          if (list->empty()) r_.Expected(e, "a non-empty list of branch names");
        }
      } else if (e.name == "pull-requests") {
        if (auto b = r_.Bool(e)) repo->pull_requests = *b;
      } else if (e.name == "nightly") {
        if (auto b = r_.Bool(e)) repo->nightly = *b;
      } else if (e.name == "trusted") {
        if (auto policy = Trusted(e)) repo->trusted = *policy;
        own_trust_.insert(repo->name);
      }
    }
    if (!FindEntry(*entries, "url")) {
      r_.Missing(r_.Pos(section), "url", "in repository " + Quote(repo->name));
    }
  }

  void Worker(const YamlEntry& section) {
    auto entries = r_.Entries(section);
    if (!entries) return;
    r_.CheckKeys(*entries, kWorkerKeys, "in \"worker\"");
    for (const YamlEntry& e : *entries) {
      if (e.name == "slots") {
        if (auto n = r_.Int(e, 1, 256)) out_->worker_slots = static_cast<int>(*n);
      } else if (e.name == "labels") {
        if (auto list = r_.Strings(e)) {
          for (const YamlString& l : *list) {
            if (l.text.find_first_of(" \t") != std::string::npos || l.text.empty())
              r_.Error(l.pos, "\"labels\": a label has no spaces, e.g. \"target:virtio\"");
            else
              out_->worker_labels.push_back(l.text);
          }
        }
      } else if (e.name == "lease") {
        if (auto d = r_.Duration(e, false)) {
          if (*d < std::chrono::milliseconds(1000))
            r_.Expected(e, "a lease of at least 1s");
          else
            out_->lease = *d;
        }
      } else if (e.name == "queue-timeout") {
        if (auto d = r_.Duration(e, true)) out_->queue_timeout = *d;
      } else if (e.name == "in-serve") {
        if (auto b = r_.Bool(e)) out_->serve_runs_jobs = *b;
      } else if (e.name == "infra-retries") {
        if (auto n = r_.Int(e, 0, 100)) out_->infra_retries = static_cast<int>(*n);
      } else if (e.name == "unhealthy-after") {
        if (auto n = r_.Int(e, 0, 1000)) out_->unhealthy_after = static_cast<int>(*n);
      } else if (e.name == "health-check") {
        if (auto d = r_.Duration(e, false)) out_->health_check = *d;
      }
    }
  }

  // `trusted: [owners, members, collaborators, contributors, everyone,
  // users: [LOGIN, ...]]`; nullopt (reported) if any item is wrong.
  std::optional<TrustPolicy> Trusted(const YamlEntry& e) {
    if (!e.value.IsSequence()) {
      r_.Expected(e, std::string("a list of ") + kTrustedSyntax);
      return std::nullopt;
    }
    const size_t errors = r_.error_count();
    TrustPolicy policy;
    policy.associations.clear();
    for (const YAML::Node& item : e.value) {
      if (item.IsScalar()) {
        TrustedRole(item, &policy);
      } else if (item.IsMap()) {
        auto entries = r_.Entries(item, r_.Pos(item), "\"trusted\"");
        if (!entries) continue;
        r_.CheckKeys(*entries, kTrustedMapKeys, "in \"trusted\"");
        if (const YamlEntry* users = FindEntry(*entries, "users")) TrustedUsers(*users, &policy);
      } else {
        r_.Expected(item, r_.Pos(item), "\"trusted\"", kTrustedSyntax);
      }
    }
    if (r_.error_count() != errors) return std::nullopt;
    return policy;
  }

  void TrustedRole(const YAML::Node& item, TrustPolicy* policy) {
    const std::string word = item.Scalar();
    if (word == "everyone") {
      policy->everyone = true;
    } else if (std::string association = AssociationOfRole(word); !association.empty()) {
      policy->associations.push_back(association);
    } else {
      r_.Error(r_.Pos(item), "\"trusted\": unknown role " + Quote(word) +
                                 DidYouMean(word, kTrustedRoles) + "; expected " + kTrustedSyntax);
    }
  }

  void TrustedUsers(const YamlEntry& users, TrustPolicy* policy) {
    auto list = r_.Strings(users);
    if (!list) return;
    for (const YamlString& login : *list) {
      if (IsLogin(login.text))
        policy->users.push_back(login.text);
      else
        r_.Error(login.pos, "\"users\": " + Quote(login.text) +
                                " is not a GitHub login (letters, digits and '-')");
    }
  }

  // What nightly pipelines do beyond push pipelines.
  void Nightly(const YamlEntry& section) {
    auto entries = r_.Entries(section);
    if (!entries) return;
    r_.CheckKeys(*entries, kNightlyKeys, "in nightly");
    for (const YamlEntry& e : *entries) {
      if (e.name == "fuzz-boots") {
        if (auto n = r_.Int(e, 1, 1'000'000)) out_->nightly.fuzz_boots = static_cast<int>(*n);
      } else if (e.name == "fuzz-time") {
        if (auto d = r_.Duration(e, false)) out_->nightly.fuzz_time = *d;
      } else if (e.name == "bench") {
        if (auto b = r_.Bool(e)) out_->nightly.bench = *b;
      } else if (e.name == "history") {
        if (auto b = r_.Bool(e)) out_->nightly.history = *b;
      } else if (e.name == "reproducible") {
        if (auto b = r_.Bool(e)) out_->nightly.reproducible = *b;
      }
    }
  }

  ConfigReader& r_;
  ServiceConfig* out_;
  std::string base_dir_;
  std::set<std::string> own_trust_;  // repositories with their own `trusted:`
};

}  // namespace

Result<std::string> ReadSecret(const SecretSource& source, const std::string& what) {
  std::string value;
  if (!source.file.empty()) {
    std::ifstream in(source.file);
    if (!in)
      return Status::NotFound(what + ": cannot read " + source.file + " (" + source.where + ")");
    std::stringstream text;
    text << in.rdbuf();
    value = text.str();
  } else if (!source.env.empty()) {
    const char* v = std::getenv(source.env.c_str());
    if (!v) {
      return Status::NotFound(what + ": environment variable " + source.env + " is not set (" +
                              source.where + ")");
    }
    value = v;
  } else {
    return Status::NotFound(what + " is not configured");
  }
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) return Status::InvalidArgument(what + " is empty (" + source.where + ")");
  return value;
}

bool RepositoryConfig::WantsBranch(const std::string& branch) const {
  return std::any_of(branches.begin(), branches.end(),
                     [&](const std::string& b) { return b == "*" || b == branch; });
}

std::string RepositoryConfig::Owner() const {
  return name.substr(0, name.find('/'));
}

std::string RepositoryConfig::Repo() const {
  return name.substr(name.find('/') + 1);
}

const RepositoryConfig* ServiceConfig::FindRepository(const std::string& full_name) const {
  const std::string wanted = Lower(full_name);
  for (const RepositoryConfig& r : repositories)
    if (Lower(r.name) == wanted) return &r;
  return nullptr;
}

bool ServiceConfig::OneMachine() const {
  return serve_runs_jobs && database.starts_with("sqlite:");
}

Result<ServiceConfig> ParseServiceConfig(const std::string& text, const std::string& file_name,
                                         const std::string& base_dir) {
  ConfigReader reader(file_name);
  ServiceConfig config;
  config.file = file_name;
  config.host = DefaultHostConfig();
  YAML::Node root = reader.Load(text);  // a syntax error is reported, the root null
  try {
    if (!root.IsNull() && !root.IsMap()) {
      reader.Expected(root, reader.Start(), "top level",
                      "a map (listen, database, repositories...)");
    } else if (reader.error_count() == 0) {
      Parser(reader, &config, base_dir).Top(root);
    }
  } catch (const std::exception& e) {
    reader.Error(reader.Start(), std::string("cannot read YAML: ") + e.what());
  }
  CIRUN_RETURN_IF_ERROR(reader.TakeStatus());
  // toolchains: and targets: (the same sections as --host-config).
  CIRUN_RETURN_IF_ERROR(ApplyHostConfig(text, file_name, /*allow_other_keys=*/true, &config.host));
  if (config.data_dir.empty()) config.data_dir = ResolvePath(base_dir, "ci-run-data");
  if (config.cache_dir.empty()) config.cache_dir = DefaultCacheDir();
  if (config.database.empty()) {
    config.database = "sqlite:" + config.data_dir + "/ci.db";
  } else if (config.database.find("://") == std::string::npos) {
    const bool prefixed = config.database.starts_with("sqlite:");
    config.database =
        "sqlite:" + ResolvePath(base_dir, prefixed ? config.database.substr(7) : config.database);
  }
  return config;
}

Result<ServiceConfig> LoadServiceConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read service config " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  auto config = ParseServiceConfig(text.str(), path, absolute.parent_path().string());
  if (!config.ok()) return config.status();
  // Toolchains registered with `ci-run toolchain add` in the cache directory,
  // under the file's own entries (which win).
  auto host = LoadHostConfig("", config->cache_dir);
  if (!host.ok()) return host.status();
  CIRUN_RETURN_IF_ERROR(ApplyHostConfig(text.str(), path, /*allow_other_keys=*/true, &*host));
  config->host = std::move(host).value();
  return config;
}

}  // namespace cirun
