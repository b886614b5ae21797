#include "harness/xl_config_reader.h"

#include <cstdio>

namespace cirun {
namespace {

struct Token {
  enum class Kind {
    kIdent,
    kNumber,
    kString,
    kAssign,
    kAppend,
    kComma,
    kOpen,
    kClose,
    kSemicolon,
    kNewline,
    kEnd
  };
  Kind kind = Kind::kEnd;
  std::string text;
  int line = 1;
};

// Splits the text into tokens with libxlu's lexical rules.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<Token> Next();

 private:
  Status Error(const std::string& what) const {
    return Status::InvalidArgument("line " + std::to_string(line_) + ": " + what);
  }
  Result<std::string> String(char quote);
  Status Escape(char c, std::string& out) const;

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

bool IsLower(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

Result<Token> Lexer::Next() {
  while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  Token t;
  t.line = line_;
  if (pos_ >= text_.size()) return t;
  const char c = text_[pos_];
  auto single = [&](Token::Kind kind) {
    ++pos_;
    t.kind = kind;
    return t;
  };
  if (IsLower(c)) {
    size_t end = pos_ + 1;
    while (end < text_.size() && (IsLower(text_[end]) || IsDigit(text_[end]) || text_[end] == '_'))
      ++end;
    t.kind = Token::Kind::kIdent;
    t.text = std::string(text_.substr(pos_, end - pos_));
    pos_ = end;
    return t;
  }
  if (IsDigit(c)) {
    size_t end = pos_ + 1;
    while (end < text_.size() &&
           (IsDigit(text_[end]) || (text_[end] >= 'a' && text_[end] <= 'f') || text_[end] == 'x'))
      ++end;
    t.kind = Token::Kind::kNumber;
    t.text = std::string(text_.substr(pos_, end - pos_));
    pos_ = end;
    return t;
  }
  if (c == '"' || c == '\'') {
    Result<std::string> s = String(c);
    if (!s.ok()) return s.status();
    t.kind = Token::Kind::kString;
    t.text = std::move(s).value();
    return t;
  }
  if (c == '#') {
    size_t nl = text_.find('\n', pos_);
    if (nl == std::string_view::npos) return Error("comment without a newline at the end of file");
    pos_ = nl;
    return Next();  // the newline ends the statement
  }
  if (c == '\n') {
    ++line_;
    return single(Token::Kind::kNewline);
  }
  if (c == '+' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '=') {
    pos_ += 2;
    t.kind = Token::Kind::kAppend;
    return t;
  }
  if (c == '=') return single(Token::Kind::kAssign);
  if (c == ',') return single(Token::Kind::kComma);
  if (c == '[') return single(Token::Kind::kOpen);
  if (c == ']') return single(Token::Kind::kClose);
  if (c == ';') return single(Token::Kind::kSemicolon);
  char shown[8];
  snprintf(shown, sizeof shown, static_cast<unsigned char>(c) < 0x20 ? "0x%02x" : "'%c'",
           static_cast<unsigned char>(c));
  return Error(std::string("lexical error at ") + shown);
}

Status Lexer::Escape(char c, std::string& out) const {
  switch (c) {
    case '"':
    case '\'':
    case '\\':
      out += c;
      return Status::Ok();
    case 'a':
      out += '\a';
      return Status::Ok();
    case 'b':
      out += '\b';
      return Status::Ok();
    case 'f':
      out += '\f';
      return Status::Ok();
    case 'n':
      out += '\n';
      return Status::Ok();
    case 'r':
      out += '\r';
      return Status::Ok();
    case 't':
      out += '\t';
      return Status::Ok();
    case 'v':
      out += '\v';
      return Status::Ok();
    default:
      break;
  }
  if (c == 'x' || (c >= '0' && c <= '7'))
    return Error(std::string("numeric escape \\") + c + "... (xl drops the character)");
  return Error(std::string("invalid character after backslash: '") + c + "'");
}

Result<std::string> Lexer::String(char quote) {
  std::string out;
  size_t i = pos_ + 1;
  while (true) {
    if (i >= text_.size()) return Error("unterminated string");
    const char c = text_[i];
    if (c == '\n') return Error("newline inside a string (write \\n)");
    if (c == '\0') return Error("NUL byte inside a string");
    if (c == quote) break;
    if (c == '\\') {
      if (i + 1 >= text_.size() || text_[i + 1] == '\n') return Error("unterminated string");
      CIRUN_RETURN_IF_ERROR(Escape(text_[i + 1], out));
      i += 2;
      continue;
    }
    out += c;
    ++i;
  }
  pos_ = i + 1;
  return out;
}

// Recursive descent over the tokens, one token of lookahead.
class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) {}

  Result<std::vector<XlSetting>> File();

 private:
  Status Advance() {
    Result<Token> t = lexer_.Next();
    if (!t.ok()) return t.status();
    current_ = std::move(t).value();
    return Status::Ok();
  }
  Status Error(const std::string& what) const {
    return Status::InvalidArgument("line " + std::to_string(current_.line) + ": " + what);
  }
  Status SkipNewlines() {
    while (current_.kind == Token::Kind::kNewline) CIRUN_RETURN_IF_ERROR(Advance());
    return Status::Ok();
  }
  Result<XlValue> Value();
  Result<XlValue> List();

  Lexer lexer_;
  Token current_;
};

Result<XlValue> Parser::Value() {
  XlValue v;
  switch (current_.kind) {
    case Token::Kind::kString:
      v.kind = XlValue::Kind::kString;
      break;
    case Token::Kind::kNumber:
      v.kind = XlValue::Kind::kNumber;
      break;
    case Token::Kind::kOpen:
      return List();
    default:
      return Error("expected a string, a number or a list");
  }
  v.text = current_.text;
  CIRUN_RETURN_IF_ERROR(Advance());
  return v;
}

Result<XlValue> Parser::List() {
  XlValue list;
  list.kind = XlValue::Kind::kList;
  CIRUN_RETURN_IF_ERROR(Advance());  // '['
  CIRUN_RETURN_IF_ERROR(SkipNewlines());
  while (current_.kind != Token::Kind::kClose) {
    Result<XlValue> item = Value();
    if (!item.ok()) return item.status();
    list.items.push_back(std::move(item).value());
    CIRUN_RETURN_IF_ERROR(SkipNewlines());
    if (current_.kind == Token::Kind::kClose) break;
    if (current_.kind != Token::Kind::kComma) return Error("expected ',' or ']' in a list");
    CIRUN_RETURN_IF_ERROR(Advance());
    CIRUN_RETURN_IF_ERROR(SkipNewlines());
  }
  CIRUN_RETURN_IF_ERROR(Advance());  // ']'
  return list;
}

Result<std::vector<XlSetting>> Parser::File() {
  std::vector<XlSetting> settings;
  CIRUN_RETURN_IF_ERROR(Advance());
  while (current_.kind != Token::Kind::kEnd) {
    if (current_.kind == Token::Kind::kNewline || current_.kind == Token::Kind::kSemicolon) {
      CIRUN_RETURN_IF_ERROR(Advance());
      continue;
    }
    if (current_.kind != Token::Kind::kIdent) return Error("expected a key ([a-z][_0-9a-z]*)");
    XlSetting setting;
    setting.key = current_.text;
    setting.line = current_.line;
    CIRUN_RETURN_IF_ERROR(Advance());
    if (current_.kind != Token::Kind::kAssign && current_.kind != Token::Kind::kAppend)
      return Error("expected '=' after \"" + setting.key + "\"");
    setting.append = current_.kind == Token::Kind::kAppend;
    CIRUN_RETURN_IF_ERROR(Advance());
    Result<XlValue> value = Value();
    if (!value.ok()) return value.status();
    setting.value = std::move(value).value();
    settings.push_back(std::move(setting));
    const Token::Kind k = current_.kind;
    if (k != Token::Kind::kNewline && k != Token::Kind::kSemicolon && k != Token::Kind::kEnd)
      return Error("expected a newline or ';' after the value of \"" + settings.back().key + "\"");
  }
  return settings;
}

}  // namespace

Result<std::vector<XlSetting>> ReadXlConfig(std::string_view text) {
  return Parser(text).File();
}

const XlValue* FindXlSetting(const std::vector<XlSetting>& settings, std::string_view key) {
  for (auto it = settings.rbegin(); it != settings.rend(); ++it) {
    if (it->key == key) return &it->value;
  }
  return nullptr;
}

}  // namespace cirun
