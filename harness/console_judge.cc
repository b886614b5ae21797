#include "harness/console_judge.h"

#include <re2/re2.h>

#include <algorithm>

namespace cirun {
namespace {

// RE2 searches in time linear in the line's length whatever the pattern (no
// backtracking), so a hostile console cannot stall the judge.
bool Search(const re2::RE2& regex, std::string_view line) {
  return re2::RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), regex);
}

bool IsBlank(const std::string& line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

}  // namespace

const std::vector<std::string>& CrashSignatures() {
  static const std::vector<std::string> kSignatures = {"PANIC", "ABORT", "Solo5: Abort",
                                                       "Fatal error: exception", "[Tt]riple fault"};
  return kSignatures;
}

Result<std::vector<ConsoleJudge::Pattern>> ConsoleJudge::Compile(
    const std::vector<std::string>& texts, const char* what) {
  std::vector<Pattern> patterns;
  for (const std::string& text : texts) {
    auto regex = std::make_shared<const re2::RE2>(text, re2::RE2::Quiet);
    if (!regex->ok()) {
      return Status::InvalidArgument(std::string("bad ") + what + " regex /" + text +
                                     "/: " + regex->error());
    }
    patterns.push_back({text, std::move(regex)});
  }
  return patterns;
}

Result<ConsoleJudge> ConsoleJudge::Create(const std::vector<std::string>& expect,
                                          const std::vector<std::string>& fail, size_t tail_lines) {
  Result<std::vector<Pattern>> e = Compile(expect, "expect");
  if (!e.ok()) return e.status();
  Result<std::vector<Pattern>> f = Compile(fail, "fail");
  if (!f.ok()) return f.status();
  Result<std::vector<Pattern>> c = Compile(CrashSignatures(), "crash");
  if (!c.ok()) return c.status();
  ConsoleJudge judge;
  judge.expect_ = std::move(e).value();
  judge.fail_ = std::move(f).value();
  judge.crash_ = std::move(c).value();
  judge.tail_lines_ = std::max<size_t>(tail_lines, 1);
  return judge;
}

ConsoleVerdict ConsoleJudge::Feed(std::string_view chunk, std::chrono::milliseconds at,
                                  const LineVisitor& visit) {
  if (!chunk.empty() && !first_byte_ && !ignore_) first_byte_ = at;
  splitter_.Feed(chunk, [&](std::string_view line) { OnLine(line, at, visit); });
  return verdict();
}

ConsoleVerdict ConsoleJudge::Finish(std::chrono::milliseconds at, const LineVisitor& visit) {
  splitter_.Finish([&](std::string_view line) { OnLine(line, at, visit); });
  return verdict();
}

void ConsoleJudge::OnLine(std::string_view line, std::chrono::milliseconds at,
                          const LineVisitor& visit) {
  if (ignore_ && ignore_(line)) return;
  if (!first_byte_) first_byte_ = at;
  JudgeLine(line, at);
  if (visit) visit(line);
}

ConsoleVerdict ConsoleJudge::verdict() const {
  if (failure_) return crashed_ ? ConsoleVerdict::kCrashMatched : ConsoleVerdict::kFailMatched;
  if (next_expect_ == expect_.size()) return ConsoleVerdict::kAllExpected;
  return ConsoleVerdict::kPending;
}

void ConsoleJudge::JudgeLine(std::string_view line, std::chrono::milliseconds at) {
  Remember(line);
  if (failure_) return;
  for (const Pattern& p : crash_) {
    if (!Search(*p.regex, line)) continue;
    failure_ = Match{p.text, std::string(line), at};
    crashed_ = true;
    return;
  }
  for (const Pattern& p : fail_) {
    if (!Search(*p.regex, line)) continue;
    failure_ = Match{p.text, std::string(line), at};
    return;
  }
  if (next_expect_ < expect_.size() && Search(*expect_[next_expect_].regex, line)) {
    ++next_expect_;
    if (next_expect_ == expect_.size()) success_ = at;
  }
}

void ConsoleJudge::Remember(std::string_view line) {
  tail_.emplace_back(line);
  while (tail_.size() > tail_lines_) tail_.pop_front();
}

std::optional<std::string> ConsoleJudge::first_missing_expect() const {
  if (next_expect_ >= expect_.size()) return std::nullopt;
  return expect_[next_expect_].text;
}

std::string ConsoleJudge::last_line() const {
  for (auto it = tail_.rbegin(); it != tail_.rend(); ++it) {
    if (!IsBlank(*it)) return *it;
  }
  return "";
}

}  // namespace cirun
