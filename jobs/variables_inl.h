#pragma once
// Template implementation of ForEachVariable (included by variables.h).

namespace cirun {

template <typename Fn>
Status ForEachVariable(std::string_view text, Fn fn) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) continue;
    if (text[i + 1] == '$') {
      ++i;
      continue;
    }
    if (text[i + 1] != '{') continue;
    size_t end = text.find('}', i + 2);
    if (end == std::string_view::npos) {
      return Status::InvalidArgument("unterminated \"${\" in \"" + std::string(text) + "\"");
    }
    fn(text.substr(i + 2, end - i - 2));
    i = end;
  }
  return Status::Ok();
}

}  // namespace cirun
