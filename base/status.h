// Status and Result<T>: the one error style of every ci-run layer.
//
// A Status is a value: a code plus a human-readable message. Functions that can
// fail return Status (or Result<T> when they also produce a value). Exceptions
// thrown by libraries (yaml-cpp, libpqxx, Boost) are caught in the adapter that
// calls the library and turned into a Status; none crosses a layer boundary.
//
// Both are [[nodiscard]]: a result is handled, or dropped on purpose with
// IgnoreError() (and a comment saying why nothing can be done about it).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace cirun {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,     // the caller's input is wrong (bad config, bad flag)
    kNotFound,            // a named thing does not exist
    kIoError,             // the filesystem, a pipe, a socket failed
    kTimeout,             // a deadline passed
    kUnavailable,         // a tool or host facility is missing (toolchain, qemu, xen)
    kFailedPrecondition,  // the operation is not possible in the current state
    kCancelled,           // interrupted by the user or by shutdown
    kInternal,            // a bug or an unexpected library error
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return Status(Code::kInvalidArgument, std::move(m));
  }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status IoError(std::string m) { return Status(Code::kIoError, std::move(m)); }
  static Status Timeout(std::string m) { return Status(Code::kTimeout, std::move(m)); }
  static Status Unavailable(std::string m) { return Status(Code::kUnavailable, std::move(m)); }
  static Status FailedPrecondition(std::string m) {
    return Status(Code::kFailedPrecondition, std::move(m));
  }
  static Status Cancelled(std::string m) { return Status(Code::kCancelled, std::move(m)); }
  static Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  /// Drops this status on purpose: for errors nothing can be done about
  /// (best-effort cleanup, a warning already logged elsewhere).
  void IgnoreError() const {}
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  /// Returns a copy whose message is "prefix: message" (for adding context).
  Status WithContext(const std::string& prefix) const {
    return ok() ? *this : Status(code_, prefix + ": " + message_);
  }

  /// "OK" or "<code name>: <message>".
  std::string ToString() const;
  static const char* CodeName(Code code);

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

inline const char* Status::CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidArgument:
      return "invalid argument";
    case Code::kNotFound:
      return "not found";
    case Code::kIoError:
      return "I/O error";
    case Code::kTimeout:
      return "timeout";
    case Code::kUnavailable:
      return "unavailable";
    case Code::kFailedPrecondition:
      return "failed precondition";
    case Code::kCancelled:
      return "cancelled";
    case Code::kInternal:
      return "internal error";
  }
  return "unknown";
}

inline std::string Status::ToString() const {
  return ok() ? "OK" : std::string(CodeName(code_)) + ": " + message_;
}

/// Either a value or a non-OK Status. Access value() only when ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace cirun

/// Evaluates `expr` (a Status); returns it from the enclosing function if not OK.
#define CIRUN_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::cirun::Status _cirun_status = (expr);        \
    if (!_cirun_status.ok()) return _cirun_status; \
  } while (0)
