#include "harness/bootvar_generator.h"

#include <algorithm>
#include <charconv>

#include "harness/boot_command_line.h"

namespace cirun {
namespace {

using Kind = BootvarType::Kind;

// Values every type gets after its own: splitter specials, non-ASCII, long.
const std::vector<std::string>& CommonValues() {
  static const std::vector<std::string> kValues = {
      "\"",      "\\",  " ", "=",  "--", "\xc3\xa9", "\xff\xfe\x80", std::string(256, 'a'),  "a b",
      "\"a b\"", "a\\", "'", "\t", "\n", "%s%s%s%n", "\x01\x7f",     std::string(4096, 'a'),
  };
  return kValues;
}

std::string Int128Text(__int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  unsigned __int128 u = negative ? -static_cast<unsigned __int128>(v) : v;
  std::string digits;
  for (; u > 0; u /= 10) digits += static_cast<char>('0' + static_cast<int>(u % 10));
  if (negative) digits += '-';
  return std::string(digits.rbegin(), digits.rend());
}

std::string Hex(uint64_t v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, 16);
  return "0x" + std::string(buf, end);
}

std::vector<std::string> IntValues(int64_t lo, int64_t hi) {
  const __int128 l = lo, h = hi;
  std::vector<std::string> v = {
      Int128Text(l - 1), Int128Text(h + 1), Int128Text(l), Int128Text(h), "0", "-1",
      Int128Text(l + 1), Int128Text(h - 1)};
  v.insert(v.end(), {"2147483647",
                     "2147483648",
                     "-2147483648",
                     "-2147483649",
                     "4294967296",
                     "9223372036854775807",
                     "9223372036854775808",
                     "-9223372036854775809",
                     "18446744073709551616",
                     std::string(40, '9'),
                     "",
                     "-",
                     "+",
                     "0x",
                     "00",
                     "-0",
                     "+0",
                     "0x0",
                     "0b",
                     "0o8",
                     "1_000",
                     "_1",
                     "1__",
                     "0x7fffffff",
                     "0xffffffff",
                     "0xffffffffffffffff",
                     " 1",
                     "1 ",
                     "1.5",
                     "1e3",
                     "abc",
                     "\xef\xbc\x91",
                     "--1",
                     "0x-1"});
  if (hi >= 0) v.push_back(Hex(static_cast<uint64_t>(hi)));
  v.push_back("0" + std::string(300, '0') + "1");
  return v;
}

std::vector<std::string> BoolValues() {
  return {"", "TRUE", "1", "0", "yes", "on", "t", "truee", "true ", "false\"", "\xff"};
}

std::vector<std::string> Ipv4Values(bool cidr) {
  if (cidr) {
    return {"0.0.0.0/0",
            "255.255.255.255/32",
            "1.2.3.4/33",
            "256.1.1.1/24",
            "1.2.3.4/-1",
            "1.2.3.4/",
            "1.2.3.4",
            "1.2.3/24",
            "1.2.3.4.5/24",
            "/24",
            "1.2.3.4/24/8",
            "01.02.03.04/24",
            "1.2.3.4/024",
            "0001.2.3.4/24",
            "4294967296.0.0.0/8",
            "1.2.3.4/99999999999999999999",
            "-1.2.3.4/24",
            "1..2.3/24",
            "1.2.3.4 /24",
            "::1/128",
            "",
            "a.b.c.d/n",
            "255.255.255.256/32",
            "0x7f.0.0.1/8",
            "1.2.3.4/32 ",
            "1.2.3.4/3 2"};
  }
  return {"0.0.0.0",    "255.255.255.255",
          "256.0.0.0",  "1.2.3",
          "1.2.3.4.5",  "01.2.3.4",
          "0001.2.3.4", "1.2.3.4/24",
          "-1.2.3.4",   "",
          "::1",        "4294967296.0.0.0",
          "1..2.3",     "0x7f.0.0.1",
          "1.2.3.4 ",   "255.255.255.256",
          "a.b.c.d"};
}

std::vector<std::string> EnumValues(const std::vector<std::string>& values) {
  std::vector<std::string> v = {""};
  const std::string& first = values.front();
  std::string upper = first;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  v.insert(v.end(), {upper, first + "x", " " + first, first + " "});
  if (first.size() > 1) v.push_back(first.substr(0, first.size() - 1));
  std::string all;
  for (const std::string& value : values) all += (all.empty() ? "" : ",") + value;
  v.push_back(all);
  v.insert(v.end(), values.begin(), values.end());
  return v;
}

void AppendUnique(std::vector<std::string>& to, const std::vector<std::string>& values) {
  for (const std::string& v : values) {
    if (v.find('\0') != std::string::npos) continue;
    if (std::find(to.begin(), to.end(), v) == to.end()) to.push_back(v);
  }
}

bool SetsKey(const std::string& arg, const std::string& key) {
  const std::string flag = "--" + key;
  return arg == flag || arg.starts_with(flag + "=");
}

// Random bytes from classes the splitter and parsers care about.
std::string RandomBytes(FuzzRng& rng, size_t n) {
  static const std::string kSpecial = "\"\\ ='-_./:,\t\n";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    switch (rng.Below(4)) {
      case 0:
        s += static_cast<char>('a' + rng.Below(26));
        break;
      case 1:
        s += static_cast<char>('0' + rng.Below(10));
        break;
      case 2:
        s += rng.Pick(kSpecial);
        break;
      default:
        s += static_cast<char>(1 + rng.Below(255));  // any byte but NUL
    }
  }
  return s;
}

size_t RandomLength(FuzzRng& rng) {
  switch (rng.Below(4)) {
    case 0:
      return rng.Below(9);
    case 1:
      return 9 + rng.Below(56);
    case 2:
      return 65 + rng.Below(300);
    default:
      return 365 + rng.Below(kBootCommandLineLimit);
  }
}

std::string RandomInt(const BootvarType& t, FuzzRng& rng) {
  __int128 v;
  switch (rng.Below(5)) {
    case 0:
      v = rng.Between(t.lo, t.hi);
      break;
    case 1:
      v = static_cast<__int128>(t.lo) + rng.Between(-3, 3);
      break;
    case 2:
      v = static_cast<__int128>(t.hi) + rng.Between(-3, 3);
      break;
    case 3:
      v = static_cast<int64_t>(rng.Next());
      break;
    default:
      v = static_cast<int32_t>(rng.Next());
  }
  std::string text = Int128Text(v);
  if (rng.Chance(15) && v >= 0) text = Hex(static_cast<uint64_t>(v));
  if (rng.Chance(10)) text.insert(1 + rng.Below(text.size()), "_");
  if (rng.Chance(10)) text.insert(0, rng.Chance(50) ? "+" : "-");
  if (rng.Chance(10)) text.insert(0, std::string(rng.Below(20), '0'));
  return text;
}

std::string RandomIpv4(bool cidr, FuzzRng& rng) {
  auto part = [&](int limit) {
    return rng.Chance(85) ? std::to_string(rng.Below(limit + 1))
                          : std::to_string(rng.Between(-1, 100000));
  };
  std::string s = part(255);
  for (int i = 0; i < 3; ++i) s += "." + part(255);
  if (cidr) s += "/" + part(32);
  if (rng.Chance(20)) s.erase(rng.Below(s.size()), 1);
  if (rng.Chance(10)) {
    const size_t at = rng.Below(s.size() + 1);
    s.insert(at, rng.Chance(50) ? "." : "/");
  }
  return s;
}

}  // namespace

Result<BootvarType> ParseBootvarType(std::string_view type) {
  BootvarType t;
  if (type == "string") return t;
  if (type == "bool" || type == "ipv4" || type == "ipv4-cidr") {
    t.kind = type == "bool" ? Kind::kBool : type == "ipv4" ? Kind::kIpv4 : Kind::kIpv4Cidr;
    return t;
  }
  auto bad = [&] {
    return Status::InvalidArgument("unknown fuzz key type \"" + std::string(type) + "\"");
  };
  if (!type.ends_with("]")) return bad();
  if (type.starts_with("int[")) {
    std::string_view inner = type.substr(4, type.size() - 5);
    const size_t comma = inner.find(',');
    if (comma == std::string_view::npos) return bad();
    auto parse = [](std::string_view s, int64_t* out) {
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
      return ec == std::errc() && end == s.data() + s.size();
    };
    if (!parse(inner.substr(0, comma), &t.lo) || !parse(inner.substr(comma + 1), &t.hi) ||
        t.lo > t.hi) {
      return bad();
    }
    t.kind = Kind::kInt;
    return t;
  }
  if (type.starts_with("enum[")) {
    std::string_view inner = type.substr(5, type.size() - 6);
    for (size_t start = 0;;) {
      const size_t comma = inner.find(',', start);
      t.values.emplace_back(inner.substr(start, comma - start));
      if (t.values.back().empty()) return bad();
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    t.kind = Kind::kEnum;
    return t;
  }
  return bad();
}

std::vector<std::string> InterestingValues(const BootvarType& type) {
  std::vector<std::string> values;
  switch (type.kind) {
    case Kind::kString:
      AppendUnique(values, {"", std::string(256, 'a'), "a", std::string(128, 'a'),
                            std::string(1024, 'a'), std::string(65, 'a'), std::string(64, 'a')});
      break;
    case Kind::kInt:
      AppendUnique(values, IntValues(type.lo, type.hi));
      break;
    case Kind::kBool:
      AppendUnique(values, BoolValues());
      break;
    case Kind::kIpv4:
    case Kind::kIpv4Cidr:
      AppendUnique(values, Ipv4Values(type.kind == Kind::kIpv4Cidr));
      break;
    case Kind::kEnum:
      AppendUnique(values, EnumValues(type.values));
      break;
  }
  AppendUnique(values, CommonValues());
  if (type.kind == Kind::kString) {
    AppendUnique(values, {"a'b", "\r\n", "-", "--x=y", "${HOME}", "\xf0\x9f\x92\xa5",
                          "\xed\xa0\x80", "a\"b", "\\\"", std::string(8, '\\')});
  }
  return values;
}

std::string RandomBootvarValue(const BootvarType& type, FuzzRng& rng) {
  if (rng.Chance(15)) return RandomBytes(rng, RandomLength(rng));
  switch (type.kind) {
    case Kind::kString:
      if (rng.Chance(30))
        return std::string(RandomLength(rng), static_cast<char>('a' + rng.Below(26)));
      return RandomBytes(rng, RandomLength(rng));
    case Kind::kInt:
      return RandomInt(type, rng);
    case Kind::kBool:
      return rng.Chance(60) ? (rng.Chance(50) ? "true" : "false") : RandomBytes(rng, rng.Below(6));
    case Kind::kIpv4:
    case Kind::kIpv4Cidr:
      return RandomIpv4(type.kind == Kind::kIpv4Cidr, rng);
    case Kind::kEnum:
      if (rng.Chance(60)) return rng.Pick(type.values);
      return rng.Pick(type.values) + RandomBytes(rng, 1 + rng.Below(3));
  }
  return "";
}

BootvarGenerator::BootvarGenerator(std::vector<BootvarKey> keys, std::vector<std::string> base_args)
    : keys_(std::move(keys)), base_args_(std::move(base_args)) {
  BuildSystematic();
}

std::vector<std::string> BootvarGenerator::ReplaceKey(const std::vector<std::string>& args,
                                                      const BootvarKey& key,
                                                      const std::vector<std::string>& replacement) {
  std::vector<std::string> out;
  size_t at = std::string::npos;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!SetsKey(args[i], key.name)) {
      out.push_back(args[i]);
      continue;
    }
    if (at == std::string::npos) at = out.size();
    const bool value_follows = args[i] == "--" + key.name && key.type.kind != Kind::kBool &&
                               i + 1 < args.size() && !args[i + 1].starts_with("-");
    if (value_follows) ++i;
  }
  if (at == std::string::npos) at = out.size();
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), replacement.begin(), replacement.end());
  return out;
}

std::vector<std::string> BootvarGenerator::KeyValues(const BootvarKey& key) const {
  std::vector<std::string> values = InterestingValues(key.type);
  // Values that make the whole line exactly the limit, and one byte more.
  const std::string rest = JoinBootArgs(ReplaceKey(base_args_, key, {}));
  const size_t fixed = rest.size() + (rest.empty() ? 0 : 1) + key.name.size() + 3;
  std::vector<std::string> at_limit;
  for (size_t total : {kBootCommandLineLimit, kBootCommandLineLimit + 1}) {
    if (total <= fixed) continue;
    const size_t n = total - fixed;
    at_limit.push_back(key.type.kind == Kind::kInt ? std::string(n - 1, '0') + "1"
                                                   : std::string(n, 'a'));
  }
  // Right after the first three values (boundaries), so that small budgets try them.
  values.insert(values.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(3, values.size())),
                at_limit.begin(), at_limit.end());
  return values;
}

std::vector<FuzzInput> BootvarGenerator::StructuralInputs() const {
  std::vector<FuzzInput> in;
  auto add = [&](std::vector<std::string> args, std::string origin) {
    in.push_back({std::move(args), std::nullopt, std::move(origin)});
  };
  auto add_raw = [&](std::string raw, std::string origin) {
    in.push_back({{}, std::move(raw), std::move(origin)});
  };
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base_args_;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const std::string line = JoinBootArgs(base_args_);
  add({}, "no arguments");
  add(with({"--ci-run-fuzz-unknown=1"}), "unknown key");
  add_raw(line + " \"", "unterminated quote");
  for (const BootvarKey& key : keys_) {
    add(ReplaceKey(base_args_, key, {"--" + key.name}), "missing value of " + key.name);
    add(with({"--" + key.name + "=" + InterestingValues(key.type).front()}),
        "duplicate key " + key.name);
  }
  add_raw(line + " \\", "trailing backslash");
  add(with({"positional"}), "positional argument");
  add(with({"--"}), "bare --");
  for (const BootvarKey& key : keys_) {
    const std::string value = InterestingValues(key.type).back();
    add(ReplaceKey(base_args_, key, {"--" + key.name, value}), "--key value form of " + key.name);
    add(ReplaceKey(base_args_, key, {"-" + key.name + "=1"}), "single dash " + key.name);
    add(ReplaceKey(base_args_, key, {"--" + key.name + "=1", "--" + key.name + "=2"}),
        "repeated key " + key.name);
  }
  add(with({"-"}), "bare -");
  add(with({"--="}), "empty key");
  add({"--help"}, "help");
  add_raw("\"", "lone quote");
  add_raw("\\", "lone backslash");
  add_raw(line + " a\"b c\"d", "quotes mid-argument");
  add_raw(std::string(kBootCommandLineLimit, ' '), "only spaces, at the limit");
  add_raw(std::string(kBootCommandLineLimit + 1, 'a'), "one word past the limit");
  add_raw(line + std::string(64, ' ') + "\"\"", "empty quoted argument");
  add(with({"--ci-run-fuzz-unknown"}), "unknown flag");
  add(with({std::string(300, '-')}), "dashes");
  return in;
}

void BootvarGenerator::BuildSystematic() {
  std::vector<std::vector<std::string>> values;
  for (const BootvarKey& key : keys_) values.push_back(KeyValues(key));
  const std::vector<FuzzInput> structural = StructuralInputs();
  for (size_t round = 0;; ++round) {
    bool any = false;
    for (size_t k = 0; k < keys_.size(); ++k) {
      if (round >= values[k].size()) continue;
      any = true;
      systematic_.push_back(
          {ReplaceKey(base_args_, keys_[k], {"--" + keys_[k].name + "=" + values[k][round]}),
           std::nullopt, "typed " + keys_[k].name});
    }
    if (round < structural.size()) {
      any = true;
      systematic_.push_back(structural[round]);
    }
    if (!any) break;
  }
}

FuzzInput BootvarGenerator::RandomTyped(FuzzRng& rng) const {
  std::vector<std::string> args = base_args_;
  std::string origin = "random";
  const size_t changes = keys_.empty() ? 0 : 1 + rng.Below(std::min<size_t>(3, keys_.size()));
  for (size_t c = 0; c < changes; ++c) {
    const BootvarKey& key = rng.Pick(keys_);
    std::string value;
    if (rng.Chance(40)) {
      const std::vector<std::string> interesting = InterestingValues(key.type);
      value = rng.Pick(interesting);
    } else {
      value = RandomBootvarValue(key.type, rng);
    }
    const std::string flag = "--" + key.name;
    std::vector<std::string> replacement;
    switch (rng.Below(10)) {
      case 0:
        replacement = {flag, value};
        break;
      case 1:
        replacement = {flag + "=" + value, flag + "=" + RandomBootvarValue(key.type, rng)};
        break;
      case 2:
        replacement = {flag};
        break;
      default:
        replacement = {flag + "=" + value};
    }
    args = ReplaceKey(args, key, replacement);
    origin += " " + key.name;
  }
  if (rng.Chance(15)) {
    const char letter = static_cast<char>('a' + rng.Below(26));
    args.push_back("--" + std::string(1, letter) + "unknown=" + RandomBootvarValue({}, rng));
  }
  if (rng.Chance(10) && args.size() > 1) {
    for (size_t i = args.size() - 1; i > 0; --i) std::swap(args[i], args[rng.Below(i + 1)]);
  }
  return {std::move(args), std::nullopt, origin};
}

}  // namespace cirun
