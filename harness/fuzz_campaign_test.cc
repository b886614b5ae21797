// Fuzz campaigns against a model of the fixture's `bootvars` unikernel (a
// ProcessRunner that answers from the arguments, without starting anything).
#include "harness/fuzz_campaign.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>

#include "harness/process_backend.h"
#include "tests/scratch_dir.h"

namespace cirun {
namespace {

using std::chrono::milliseconds;
using Strings = std::vector<std::string>;

// bootvars with its planted defects: --name longer than 100 bytes smashes the
// stack, --port=0 loops forever. `fixed` rejects both instead. `slow_zero`
// makes --port=0 a boot that takes 1.5 s (not a hang); `slow_bare_zero` only
// when it is the only argument (with others it still hangs).
class BootvarsModel : public ProcessRunner {
 public:
  bool fixed = false;
  bool slow_zero = false;
  bool slow_bare_zero = false;
  bool valid_args_fail = false;
  milliseconds hang_overrun{0};  // how long a hung boot lives past its timeout

  ProcessExit Run(const ProcessSpec& spec, const OutputCallback& on_output,
                  const CancelToken* cancel) override {
    ProcessExit exit;
    exit.kind = ProcessExit::Kind::kExited;
    exit.pid = 1;
    if (cancel && cancel->cancelled()) {
      exit.kind = ProcessExit::Kind::kCancelled;
      return exit;
    }
    std::string out;
    const Strings args(spec.argv.begin() + 1, spec.argv.end());
    exit.code = Boot(args, &out);
    const bool slow = slow_zero || (slow_bare_zero && args == Strings{"--port=0"});
    if (exit.code == kHang && (!slow || spec.timeout < milliseconds(1500))) {
      exit.kind = ProcessExit::Kind::kTimedOut;
      exit.timeout = spec.timeout;
      exit.elapsed = spec.timeout + hang_overrun;
    } else if (exit.code == kHang) {
      out += "slots: 0\nSUCCESS\n";
      exit.code = 0;
    }
    if (on_output && !out.empty() && on_output(out, milliseconds(1)) == OutputAction::kStop) {
      exit.kind = ProcessExit::Kind::kStopped;
    }
    return exit;
  }

 private:
  static constexpr int kHang = -1;

  int Boot(const Strings& args, std::string* out) const {
    if (valid_args_fail) return 3;
    std::map<std::string, std::string> seen;
    for (const std::string& arg : args) {
      const size_t eq = arg.find('=');
      const std::string key = arg.substr(0, eq);
      if (key != "--name" && key != "--port" && key != "--verbose") {
        *out += "error: unknown option\n";
        return 64;
      }
      if (seen.count(key)) {
        *out += "error: repeated\n";
        return 64;
      }
      seen[key] = eq == std::string::npos ? "" : arg.substr(eq + 1);
    }
    const std::string name = seen.count("--name") ? seen["--name"] : "mirage";
    const std::string port = seen.count("--port") ? seen["--port"] : "8080";
    if (name.size() > 100 && fixed) {
      *out += "error: too long\n";
      return 64;
    }
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535 ||
        (std::stoi(port) == 0 && fixed)) {
      *out += "error: bad port\n";
      return 64;
    }
    *out += "bootvars on unix\nname: \"" + name + "\"\n";
    if (name.size() > 100) {
      *out += "PANIC: stack smashing detected\n";
      return 255;
    }
    *out += "port: " + port + "\nverbose: false\n";
    if (std::stoi(port) == 0) return kHang;
    *out += "SUCCESS\n";
    return 0;
  }
};

struct Fixture {
  testing::ScratchDir dir;
  TargetSpec target;
  std::unique_ptr<ProcessBackend> backend;
  FuzzCampaignConfig config;

  Fixture() {
    std::ofstream(dir / "bootvars.unix") << "image";
    target.name = "unix";
    backend = std::make_unique<ProcessBackend>(target);
    config.image = dir / "bootvars.unix";
    config.base_args = {"--name=ci", "--port=8443", "--verbose"};
    config.keys = {{"name", ParseBootvarType("string").value()},
                   {"port", ParseBootvarType("int[1,65535]").value()},
                   {"verbose", ParseBootvarType("bool").value()}};
    config.boots = 150;
    config.jobs = 3;
  }
};

const FuzzFinding* Find(const FuzzCampaignResult& r, BootOutcome outcome) {
  for (const FuzzFinding& f : r.findings)
    if (f.outcome == outcome) return &f;
  return nullptr;
}

TEST_CASE("campaign: both planted defects found once each, minimised") {
  Fixture f;
  BootvarsModel model;
  const FuzzCampaignResult r = RunFuzzCampaign(f.config, *f.backend, model, nullptr);
  INFO(r.log);
  REQUIRE(r.status.ok());
  CHECK(r.inputs == 150);
  CHECK(r.boots + r.not_representable == 150);
  CHECK(r.calibration_boots == 3);
  CHECK(r.hang_timeout == milliseconds(1000));
  REQUIRE(r.findings.size() == 2);
  const FuzzFinding* hang = Find(r, BootOutcome::kHung);
  const FuzzFinding* crash = Find(r, BootOutcome::kCrashed);
  REQUIRE(hang);
  REQUIRE(crash);
  CHECK(hang->input.args == Strings{"--port=0"});
  CHECK(hang->input.CommandLine() == "--port=0");
  CHECK(hang->signature == "hung: port: # | verbose: false");
  CHECK(hang->minimal);
  CHECK(crash->input.args.size() == 1);
  CHECK(crash->input.args[0] == "--name=" + std::string(101, 'a'));
  CHECK(crash->minimal);
  CHECK(crash->signature == "crashed: name: \"<arg>\" | PANIC: stack smashing detected");
  CHECK(crash->cause.find("PANIC: stack smashing detected") != std::string::npos);
  CHECK(crash->hits >= 2);  // several long names crash the same way
  // The first hang of its kind in the fuzz phase (more if several ran at
  // once), and the minimised one.
  CHECK(r.confirm_boots >= 2);
  CHECK(r.dropped_slow == 0);
}

TEST_CASE("campaign: every hung boot is counted with how long it lived past its timeout") {
  Fixture f;
  BootvarsModel model;
  model.hang_overrun = milliseconds(37);
  const FuzzCampaignResult r = RunFuzzCampaign(f.config, *f.backend, model, nullptr);
  INFO(r.log);
  REQUIRE(r.status.ok());
  // Fuzz, confirm and minimise boots all count (each confirmation hangs again here).
  CHECK(r.confirm_boots > 0);
  CHECK(r.hung_boots > r.outcomes.at("hung") + r.confirm_boots);
  CHECK(r.hang_overrun_max == milliseconds(37));
  // The log gives each hung fuzz boot's time.
  CHECK(r.log.find("hung after 1037ms: ") != std::string::npos);
}

TEST_CASE("campaign: no hang, no overrun") {
  Fixture f;
  BootvarsModel model;
  model.fixed = true;
  const FuzzCampaignResult r = RunFuzzCampaign(f.config, *f.backend, model, nullptr);
  REQUIRE(r.status.ok());
  CHECK(r.hung_boots == 0);
  CHECK(r.hang_overrun_max == milliseconds(0));
}

TEST_CASE("campaign: the same seed gives the same findings, whatever the parallelism") {
  Fixture f;
  BootvarsModel model;
  f.config.boots = 200;
  const FuzzCampaignResult a = RunFuzzCampaign(f.config, *f.backend, model, nullptr);
  f.config.jobs = 1;
  const FuzzCampaignResult b = RunFuzzCampaign(f.config, *f.backend, model, nullptr);
  REQUIRE(a.findings.size() == b.findings.size());
  for (size_t i = 0; i < a.findings.size(); ++i) {
    CHECK(a.findings[i].signature == b.findings[i].signature);
    CHECK(a.findings[i].input == b.findings[i].input);
    CHECK(a.findings[i].original == b.findings[i].original);
    CHECK(a.findings[i].first_input == b.findings[i].first_input);
    // (minimise_boots may differ: a wider window boots more candidates per round)
  }
  CHECK(a.outcomes == b.outcomes);
}

TEST_CASE("campaign: the fixed unikernel has no findings") {
  Fixture f;
  BootvarsModel model;
  model.fixed = true;
  const FuzzCampaignResult r = RunFuzzCampaign(f.config, *f.backend, model, nullptr);
  CHECK(r.status.ok());
  CHECK(r.findings.empty());
  CHECK(r.raw_findings == 0);
  CHECK(r.outcomes.count("hung") == 0);
  CHECK(r.outcomes.at("rejected") > 50);
  CHECK(r.outcomes.at("passed") > 0);
  // Every boot that did not pass is in the log, with its input and cause.
  int logged = 0;
  for (size_t at = r.log.find("): rejected: "); at != std::string::npos;
       at = r.log.find("): rejected: ", at + 1))
    ++logged;
  CHECK(logged == r.outcomes.at("rejected"));
  CHECK(r.log.find("(unknown key): rejected: --name=ci --port=8443 --verbose "
                   "--ci-run-fuzz-unknown=1: exit code 64 not in [0, 63]") != std::string::npos);
}

TEST_CASE("campaign: a boot slower than the hang timeout is dropped, not reported") {
  Fixture f;
  BootvarsModel model;
  model.slow_zero = true;
  f.config.keys.resize(2);  // name and port
  f.config.boots = 2;       // name="" and port=0
  const FuzzCampaignResult r = RunFuzzCampaign(f.config, *f.backend, model, nullptr);
  INFO(r.log);
  CHECK(r.status.ok());
  // Booted again with the longer timeout at once, it passed: counted so.
  CHECK(r.raw_findings == 0);
  CHECK(r.outcomes.count("hung") == 0);
  CHECK(r.outcomes.at("passed") == 2);  // name="" too
  CHECK(r.findings.empty());
  CHECK(r.dropped_slow == 1);
  CHECK(r.confirm_boots == 1);
  CHECK(r.log.find("a slow boot, not a hang") != std::string::npos);
}

TEST_CASE("campaign: a hang minimised into a slow boot is reported as found") {
  Fixture f;
  BootvarsModel model;
  model.slow_bare_zero = true;
  f.config.keys.resize(2);  // name and port
  f.config.boots = 2;       // name="" and port=0
  const FuzzCampaignResult r = RunFuzzCampaign(f.config, *f.backend, model, nullptr);
  INFO(r.log);
  CHECK(r.status.ok());
  REQUIRE(r.findings.size() == 1);
  const FuzzFinding& hang = r.findings[0];
  CHECK(hang.outcome == BootOutcome::kHung);
  // "--port=0" alone timed out while minimising, but ends with the longer
  // timeout; the input as found still hangs.
  CHECK(hang.input == hang.original);
  CHECK(hang.input.args.size() > 1);
  CHECK_FALSE(hang.minimal);
  CHECK(r.dropped_slow == 0);
  CHECK(r.log.find("trying the input as found") != std::string::npos);
}

TEST_CASE("campaign: nothing is fuzzed when the valid arguments do not pass") {
  Fixture f;
  BootvarsModel model;
  model.valid_args_fail = true;
  const FuzzCampaignResult r = RunFuzzCampaign(f.config, *f.backend, model, nullptr);
  CHECK(r.status.code() == Status::Code::kFailedPrecondition);
  CHECK(r.status.message().starts_with("the valid arguments do not boot cleanly"));
  CHECK(r.inputs == 0);
}

TEST_CASE("campaign: cancelled before it starts") {
  Fixture f;
  BootvarsModel model;
  CancelToken cancel;
  cancel.Cancel();
  const FuzzCampaignResult r = RunFuzzCampaign(f.config, *f.backend, model, &cancel);
  CHECK(r.status.code() == Status::Code::kCancelled);
  CHECK(r.findings.empty());
}

TEST_CASE("campaign: the time budget stops fuzzing") {
  Fixture f;
  BootvarsModel model;
  model.fixed = true;
  f.config.boots = 1'000'000;
  f.config.time = milliseconds(300);
  const FuzzCampaignResult r = RunFuzzCampaign(f.config, *f.backend, model, nullptr);
  CHECK(r.status.ok());
  CHECK(r.inputs > 0);
  CHECK(r.inputs < 1'000'000);
}

TEST_CASE("campaign: progress reports every input") {
  Fixture f;
  BootvarsModel model;
  model.fixed = true;
  f.config.boots = 20;
  int fuzz_reports = 0, last_done = 0;
  RunFuzzCampaign(f.config, *f.backend, model, nullptr, [&](const FuzzProgress& p) {
    if (std::string(p.phase) == "fuzz") {
      ++fuzz_reports;
      last_done = p.done;
      CHECK(p.total == 20);
    }
  });
  CHECK(fuzz_reports == 20);
  CHECK(last_done == 20);
}

}  // namespace
}  // namespace cirun

namespace cirun {
namespace {

// A model of the fixture `deepvars` (fixtures/unikernels/apps/deepvars.c):
// defects one step off the typed boundaries, behind branches that each run
// code of their own (a coverage id each). A --name that starts with a digit
// and is exactly 17 bytes long panics; --peer=HOST=DIGITS given before
// --port hangs. The coverage file named in COVERAGE_FILE gets the ids of the
// branches taken.
class DeepvarsModel : public ProcessRunner {
 public:
  ProcessExit Run(const ProcessSpec& spec, const OutputCallback& on_output,
                  const CancelToken*) override {
    ProcessExit exit;
    exit.kind = ProcessExit::Kind::kExited;
    exit.pid = 1;
    std::vector<uint64_t> ids = {1};
    std::string out;
    exit.code = Boot(Strings(spec.argv.begin() + 1, spec.argv.end()), &ids, &out);
    if (exit.code == -1) {
      exit.kind = ProcessExit::Kind::kTimedOut;
      exit.elapsed = exit.timeout = spec.timeout;
    }
    if (auto file = spec.env_set.find("COVERAGE_FILE"); file != spec.env_set.end()) {
      std::ofstream coverage(file->second);
      coverage << "ci-run coverage 1 blocks\n";
      for (uint64_t id : ids) coverage << std::hex << id << "\n";
    }
    if (on_output && !out.empty()) on_output(out, milliseconds(1));
    return exit;
  }

 private:
  static bool Digit(char c) { return c >= '0' && c <= '9'; }

  static int Boot(const Strings& args, std::vector<uint64_t>* ids, std::string* out) {
    std::map<std::string, std::string> seen;
    std::vector<std::string> order;
    for (const std::string& arg : args) {
      const size_t eq = arg.find('=');
      const std::string key = arg.substr(0, eq);
      if ((key != "--name" && key != "--port" && key != "--peer") || eq == std::string::npos ||
          seen.count(key)) {
        *out += "error: bad argument\n";
        return 64;
      }
      seen[key] = arg.substr(eq + 1);
      order.push_back(key);
    }
    const std::string name = seen.count("--name") ? seen["--name"] : "mirage";
    if (name.size() > 63) {
      *out += "error: too long\n";
      return 64;
    }
    if (!name.empty() && Digit(name[0])) {
      ids->push_back(2);
      if (name.size() > 16) {
        ids->push_back(3);
        if (name.size() <= 20) {
          ids->push_back(4);
          if (name.size() == 17) {
            *out += "PANIC: numeric label overflow\n";
            return 255;
          }
        }
      }
    }
    const std::string peer = seen.count("--peer") ? seen["--peer"] : "";
    if (!peer.empty()) {
      ids->push_back(10);
      const auto at = [&](const char* key) { return std::find(order.begin(), order.end(), key); };
      if (seen.count("--port") && at("--peer") < at("--port")) {
        ids->push_back(11);
        const size_t eq = peer.find('=');
        if (eq != std::string::npos) {
          ids->push_back(12);
          const std::string port = peer.substr(eq + 1);
          if (!port.empty() && std::all_of(port.begin(), port.end(), Digit)) return -1;
        }
      }
    }
    *out += "SUCCESS\n";
    return 0;
  }
};

// ProcessBackend that passes the coverage file to the model.
class CoveringBackend : public ProcessBackend {
 public:
  using ProcessBackend::ProcessBackend;
  bool CollectsCoverage() const override { return true; }
  Result<ProcessSpec> Command(const BootRequest& request) const override {
    Result<ProcessSpec> spec = ProcessBackend::Command(request);
    if (spec.ok() && !request.coverage_file.empty())
      spec->env_set["COVERAGE_FILE"] = request.coverage_file;
    return spec;
  }
};

struct DeepFixture {
  testing::ScratchDir dir;
  CoveringBackend backend{[] {
    TargetSpec t;
    t.name = "virtio";
    return t;
  }()};
  FuzzCampaignConfig config;
  DeepFixture() {
    std::ofstream(dir / "deepvars.virtio") << "image";
    config.image = dir / "deepvars.virtio";
    config.work_dir = dir.path();
    config.base_args = {"--name=ci", "--port=8443"};
    config.keys = {{"name", ParseBootvarType("string").value()},
                   {"port", ParseBootvarType("int[1,65535]").value()},
                   {"peer", ParseBootvarType("string").value()}};
    config.boots = 300;
    config.jobs = 2;
    config.coverage_plugin = "/p/coverage.so";  // the model needs no plugin
  }
};

TEST_CASE(
    "coverage: the campaign finds defects off the typed boundaries that blind fuzzing misses") {
  int guided_found = 0, blind_found = 0;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    DeepFixture f;
    DeepvarsModel model;
    f.config.seed = seed;
    const FuzzCampaignResult guided = RunFuzzCampaign(f.config, f.backend, model, nullptr);
    INFO(guided.log);
    REQUIRE(guided.status.ok());
    CHECK(guided.coverage);
    CHECK(guided.calibration_ids == 1);
    CHECK(guided.covered_ids > guided.calibration_ids);
    CHECK(!guided.coverage_growth.empty());
    CHECK(!guided.corpus.empty());
    CHECK(guided.corpus_inputs > 0);
    guided_found += static_cast<int>(guided.findings.size());
    f.config.coverage_plugin = "";
    const FuzzCampaignResult blind = RunFuzzCampaign(f.config, f.backend, model, nullptr);
    CHECK_FALSE(blind.coverage);
    CHECK(blind.coverage_note.find("no coverage plugin") != std::string::npos);
    blind_found += static_cast<int>(blind.findings.size());
    MESSAGE("seed " << seed << ": guided " << guided.findings.size() << " findings, "
                    << guided.corpus_inputs << " corpus inputs, " << guided.covered_ids
                    << " ids; blind " << blind.findings.size());
  }
  CHECK(guided_found == 6);  // both defects, every seed
  CHECK(blind_found < guided_found);
}

TEST_CASE("coverage: a target without QEMU says coverage is off and fuzzes blind") {
  Fixture f;
  BootvarsModel model;
  f.config.coverage_plugin = "/p/coverage.so";
  f.config.boots = 20;
  const FuzzCampaignResult r = RunFuzzCampaign(f.config, *f.backend, model, nullptr);
  CHECK_FALSE(r.coverage);
  CHECK(r.coverage_note == "the unix target does not run under QEMU TCG: no coverage");
  CHECK(r.log.find("coverage off: the unix target") != std::string::npos);
  CHECK(r.covered_ids == 0);
}

TEST_CASE("coverage: the same seed gives the same corpus and findings, whatever the parallelism") {
  DeepFixture f;
  DeepvarsModel model;
  f.config.boots = 150;
  const FuzzCampaignResult a = RunFuzzCampaign(f.config, f.backend, model, nullptr);
  f.config.jobs = 1;
  const FuzzCampaignResult b = RunFuzzCampaign(f.config, f.backend, model, nullptr);
  f.config.jobs = 4;
  const FuzzCampaignResult c = RunFuzzCampaign(f.config, f.backend, model, nullptr);
  CHECK(a.corpus == b.corpus);  // input i saw inputs 0 .. i-jobs-1 folded
  CHECK(a.coverage_growth == c.coverage_growth);
  (void)c;
}

TEST_CASE("coverage: a stored corpus is booted first and reaches the same blocks at once") {
  DeepFixture f;
  DeepvarsModel model;
  f.config.boots = 200;
  const FuzzCampaignResult first = RunFuzzCampaign(f.config, f.backend, model, nullptr);
  REQUIRE(!first.corpus.empty());
  f.config.seeds = first.corpus;
  f.config.seed = 99;
  f.config.boots = static_cast<int>(2 * first.corpus.size());
  const FuzzCampaignResult again = RunFuzzCampaign(f.config, f.backend, model, nullptr);
  INFO(again.log);
  CHECK(again.seed_inputs == static_cast<int>(first.corpus.size()));
  REQUIRE(!again.coverage_growth.empty());
  // every block the first campaign found, within the seeds' boots
  size_t within_seeds = 0;
  for (const auto& [boots, ids] : again.coverage_growth)
    if (boots <= again.seed_inputs) within_seeds = ids;
  CHECK(within_seeds >= first.covered_ids);
}

}  // namespace
}  // namespace cirun
