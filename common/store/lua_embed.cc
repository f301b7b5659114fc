// gridcase-lua-embed: the build step that turns .lua files into C++
// (cmake/GridcaseLua.cmake runs it; nothing it writes is committed).
//
//   gridcase-lua-embed --namespace=gridcase::store::scripts
//       --header=<out.h> --source=<out.cc> --include=<path of out.h>
//       --prelude=<prelude.lua> [--library=<name>=<file.lua>]... <x.lua>...
//
// For each script x_y.lua the header declares `const redis::Script& XY()`
// (name "x_y"), and All() lists them. A script's body is, in order:
//   - the prelude (named KEYS and ARGV: common/store/lua/prelude.lua);
//   - the enum tables the script names, generated from the proto's
//     descriptors and the data layer's own functions, so no script spells
//     a number: CaseState.<NAME> (the CaseState values), OPEN_STATES[n]
//     (cases::IsOpen), EventType.<NAME> (store::EventTypeName, the stream's
//     type field);
//   - each library the script asks for with a line "-- requires: <name>";
//   - the script.
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/cases/stage_clock.h"
#include "common/store/event_type.h"
#include "gridcase/v1/common.pb.h"

namespace gridcase::store {
namespace {

constexpr char kDelimiter[] = "gridcase_lua";

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

// "intake_report" → "IntakeReport".
std::string FunctionName(absl::string_view stem) {
  std::string out;
  for (absl::string_view part : absl::StrSplit(stem, '_', absl::SkipEmpty())) {
    std::string p(part);
    p[0] = absl::ascii_toupper(p[0]);
    out += p;
  }
  return out;
}

std::string Stem(absl::string_view path) {
  absl::string_view base = path.substr(path.rfind('/') + 1);
  absl::ConsumeSuffix(&base, ".lua");
  return std::string(base);
}

std::string CaseStateTable() {
  const auto* d = v1::CaseState_descriptor();
  std::vector<std::string> entries;
  for (int i = 0; i < d->value_count(); ++i) {
    entries.push_back(
        absl::StrCat(absl::StripPrefix(d->value(i)->name(), "CASE_STATE_"),
                     " = ", d->value(i)->number()));
  }
  return absl::StrCat("local CaseState = {", absl::StrJoin(entries, ", "),
                      "}\n");
}

std::string OpenStatesTable() {
  const auto* d = v1::CaseState_descriptor();
  std::vector<std::string> entries;
  for (int i = 0; i < d->value_count(); ++i) {
    auto state = static_cast<v1::CaseState>(d->value(i)->number());
    if (cases::IsOpen(state)) {
      entries.push_back(absl::StrCat("[", d->value(i)->number(), "] = true"));
    }
  }
  return absl::StrCat("local OPEN_STATES = {", absl::StrJoin(entries, ", "),
                      "}\n");
}

std::string EventTypeTable() {
  const auto* d = v1::CaseEventType_descriptor();
  std::vector<std::string> entries;
  for (int i = 0; i < d->value_count(); ++i) {
    auto type = static_cast<v1::CaseEventType>(d->value(i)->number());
    if (type == v1::CASE_EVENT_TYPE_UNSPECIFIED) continue;
    entries.push_back(
        absl::StrCat(absl::StripPrefix(d->value(i)->name(), "CASE_EVENT_TYPE_"),
                     " = '", EventTypeName(type), "'"));
  }
  return absl::StrCat("local EventType = {", absl::StrJoin(entries, ", "),
                      "}\n");
}

struct Options {
  std::string ns, header, source, include, prelude;
  std::map<std::string, std::string> libraries;  // name → file
  std::vector<std::string> scripts;
};

bool Parse(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view a = argv[i];
    if (absl::ConsumePrefix(&a, "--namespace=")) {
      o->ns = std::string(a);
    } else if (absl::ConsumePrefix(&a, "--header=")) {
      o->header = std::string(a);
    } else if (absl::ConsumePrefix(&a, "--source=")) {
      o->source = std::string(a);
    } else if (absl::ConsumePrefix(&a, "--include=")) {
      o->include = std::string(a);
    } else if (absl::ConsumePrefix(&a, "--prelude=")) {
      o->prelude = std::string(a);
    } else if (absl::ConsumePrefix(&a, "--library=")) {
      std::pair<std::string, std::string> kv =
          absl::StrSplit(a, absl::MaxSplits('=', 1));
      o->libraries[kv.first] = kv.second;
    } else if (absl::StartsWith(a, "--")) {
      std::cerr << "unknown flag " << a << "\n";
      return false;
    } else {
      o->scripts.emplace_back(a);
    }
  }
  return !o->ns.empty() && !o->header.empty() && !o->source.empty() &&
         !o->include.empty() && !o->prelude.empty() && !o->scripts.empty();
}

// The body of one script; false (and a message) when it cannot be made.
bool Body(const Options& o, const std::string& path, const std::string& prelude,
          std::string* out) {
  std::string text;
  if (!ReadFile(path, &text)) {
    std::cerr << "cannot read " << path << "\n";
    return false;
  }
  if (absl::StrContains(text, absl::StrCat(")", kDelimiter, "\""))) {
    std::cerr << path << " contains the raw-string delimiter\n";
    return false;
  }
  *out = absl::StrCat("-- ", Stem(path), " (", path.substr(path.rfind('/') + 1),
                      ", embedded by gridcase-lua-embed)\n", prelude);
  if (absl::StrContains(text, "CaseState.")) *out += CaseStateTable();
  if (absl::StrContains(text, "OPEN_STATES")) *out += OpenStatesTable();
  if (absl::StrContains(text, "EventType.")) *out += EventTypeTable();
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, "-- requires: ")) continue;
    std::string name(absl::StripAsciiWhitespace(line));
    auto lib = o.libraries.find(name);
    std::string lib_text;
    if (lib == o.libraries.end() || !ReadFile(lib->second, &lib_text)) {
      std::cerr << path << " requires unknown library " << name << "\n";
      return false;
    }
    *out += lib_text;
  }
  *out += text;
  return true;
}

int Run(int argc, char** argv) {
  Options o;
  if (!Parse(argc, argv, &o)) {
    std::cerr << "usage: gridcase-lua-embed --namespace=NS --header=H "
                 "--source=CC --include=PATH --prelude=LUA "
                 "[--library=NAME=LUA]... SCRIPT.lua...\n";
    return 2;
  }
  std::string prelude;
  if (!ReadFile(o.prelude, &prelude)) {
    std::cerr << "cannot read " << o.prelude << "\n";
    return 1;
  }
  std::string guard = absl::AsciiStrToUpper(o.include);
  for (char& c : guard) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  std::ostringstream h, cc;
  h << "// Generated by gridcase-lua-embed (common/store/lua_embed.cc); do not "
       "edit.\n#ifndef GRIDCASE_GEN_"
    << guard << "_\n#define GRIDCASE_GEN_" << guard
    << "_\n\n#include <vector>\n\n#include \"common/redis/script.h\"\n\n"
    << "namespace " << o.ns << " {\n\n";
  cc << "// Generated by gridcase-lua-embed (common/store/lua_embed.cc); do "
        "not edit.\n#include \""
     << o.include << "\"\n\nnamespace " << o.ns << " {\n\n";
  std::vector<std::string> names;
  for (const std::string& path : o.scripts) {
    std::string body;
    if (!Body(o, path, prelude, &body)) return 1;
    std::string fn = FunctionName(Stem(path));
    names.push_back(fn);
    h << "// " << path.substr(path.rfind('/') + 1) << "\n"
      << "const redis::Script& " << fn << "();\n";
    cc << "const redis::Script& " << fn << "() {\n"
       << "  static const auto* script = new redis::Script(\"" << Stem(path)
       << "\", R\"" << kDelimiter << "(" << body << ")" << kDelimiter
       << "\");\n  return *script;\n}\n\n";
  }
  h << "\n// Every script above.\nconst std::vector<const redis::Script*>& "
       "All();\n\n}  // namespace "
    << o.ns << "\n\n#endif  // GRIDCASE_GEN_" << guard << "_\n";
  cc << "const std::vector<const redis::Script*>& All() {\n"
     << "  static const auto* all = new std::vector<const redis::Script*>{\n";
  for (const std::string& fn : names) cc << "      &" << fn << "(),\n";
  cc << "  };\n  return *all;\n}\n\n}  // namespace " << o.ns << "\n";
  std::ofstream(o.header) << h.str();
  std::ofstream(o.source) << cc.str();
  return 0;
}

}  // namespace
}  // namespace gridcase::store

int main(int argc, char** argv) { return gridcase::store::Run(argc, argv); }
