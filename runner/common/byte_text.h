// Arbitrary bytes (hostile command lines) as printable ASCII text and back:
// for JSON documents, the store (PostgreSQL rejects invalid UTF-8) and shell
// reproducers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cirun {

/// C-style escaping: printable ASCII (0x20..0x7e) as is except '\', which
/// becomes "\\"; every other byte "\xNN" (two lower-case hex digits).
std::string EscapeBytes(std::string_view bytes);

/// Inverse of EscapeBytes; nullopt for a malformed escape.
std::optional<std::string> UnescapeBytes(std::string_view text);

/// `bytes` as one bash word: ShellQuote (shell_quote.h) when every byte is
/// printable ASCII, else ANSI-C quoting $'...' with \\, \' and \xNN, so that
/// the printed command is ASCII and passes the bytes exactly.
std::string ShellQuoteBytes(std::string_view bytes);

/// The last `cap` bytes of `text` (a log), after a line "[... N bytes cut
/// ...]" saying how many went; `text` itself when it has at most `cap`.
std::string Tail(std::string_view text, size_t cap);

}  // namespace cirun
