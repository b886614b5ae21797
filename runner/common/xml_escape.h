// Text for JUnit XML reports: one escaper for element text and attribute
// values, so that every report escapes the same way.
#pragma once

#include <string>
#include <string_view>

namespace cirun {

/// `text` escaped for XML 1.0 element content or a double- or single-quoted
/// attribute value: & < > " ' as entities; a newline, tab or carriage return
/// as a character reference (an attribute keeps them: a parser would
/// otherwise turn them into spaces); every other control byte, which XML 1.0
/// forbids even escaped, as '?'. Bytes of 0x80 and above are kept.
std::string XmlEscape(std::string_view text);

}  // namespace cirun
