// XlConfigReader: a reader of xl's domain configuration grammar, strict enough
// to prove that a generated .xl file is well-formed (xl itself cannot run here:
// it needs /dev/xen/privcmd before it parses anything).
//
// The grammar, after libxlu_cfg_l.l / libxlu_cfg_y.y:
//   file       := { [assignment] ( '\n' | ';' | '#' ... '\n' ) } [assignment]
//   assignment := IDENT ( '=' | '+=' ) value         IDENT: [a-z][_0-9a-z]*
//   value      := STRING | NUMBER | '[' { '\n' } [ items ] ']'
//   items      := value { '\n' } { ',' { '\n' } value { '\n' } } [ ',' { '\n' } ]
//   STRING     := '"' ... '"' | '\'' ... '\''   (no raw newline; escapes: backslash
//                 then one of " ' \ a b f n r t v)
//   NUMBER     := [0-9][0-9a-fx]*
// Spaces and tabs separate tokens; anything else (a CR, a '+' outside '+=', a
// comment without its newline at the end of the file) is a lexical error, as
// in xl. Numeric escapes (\x41, \101) are errors here: libxlu accepts them but
// drops the character, so a generated file must never contain one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cirun {

struct XlValue {
  enum class Kind { kString, kNumber, kList };
  Kind kind = Kind::kString;
  std::string text;            // kString: the decoded string; kNumber: as written
  std::vector<XlValue> items;  // kList
};

struct XlSetting {
  std::string key;
  XlValue value;
  bool append = false;  // written with +=
  int line = 0;         // 1-based line of the key
};

/// Parses `text`; the settings in file order. InvalidArgument
/// "line N: <what was wrong>" for the first error.
Result<std::vector<XlSetting>> ReadXlConfig(std::string_view text);

/// The value of the last setting named `key`, or nullptr.
const XlValue* FindXlSetting(const std::vector<XlSetting>& settings, std::string_view key);

}  // namespace cirun
