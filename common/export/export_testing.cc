#include "common/export/export_testing.h"

#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/testing/subprocess.h"
#include "common/testing/temp_dir.h"

namespace gridcase::exporter {

namespace {

// Runs read_xlsx.py with `args`; its output.
absl::StatusOr<std::string> RunReader(const std::string& source_dir,
                                      std::vector<std::string> args) {
  absl::StatusOr<testing::TempDir> dir = testing::TempDir::Create();
  if (!dir.ok()) return dir.status();
  std::vector<std::string> argv = {
      "python3", source_dir + "/common/export/testdata/read_xlsx.py"};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<std::unique_ptr<testing::Subprocess>> p =
      testing::Subprocess::Spawn({.argv = argv,
                                  .stdout_path = dir->File("out"),
                                  .stderr_path = dir->File("err")});
  if (!p.ok()) return p.status();
  absl::StatusOr<int> status = (*p)->Wait(absl::Seconds(120));
  std::ifstream out(dir->File("out")), err(dir->File("err"));
  std::stringstream text, error;
  text << out.rdbuf();
  error << err.rdbuf();
  if (!status.ok() || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return absl::InternalError(
        absl::StrCat("read_xlsx.py failed: ", error.str()));
  }
  return text.str();
}

}  // namespace

absl::StatusOr<std::map<std::string, XlsxCell>> ReadXlsx(
    const std::string& source_dir, const std::string& path) {
  absl::StatusOr<std::string> text = RunReader(source_dir, {path});
  if (!text.ok()) return text.status();
  std::map<std::string, XlsxCell> cells;
  for (absl::string_view line :
       absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(line, '\t');
    XlsxCell& cell = cells[parts[0]];
    if (parts.size() > 1) cell.value = parts[1];
    if (parts.size() > 2) cell.format = parts[2];
  }
  return cells;
}

absl::StatusOr<std::map<std::string, int>> XlsxRows(
    const std::string& source_dir, const std::string& path) {
  absl::StatusOr<std::string> text = RunReader(source_dir, {"--rows", path});
  if (!text.ok()) return text.status();
  std::map<std::string, int> rows;
  for (absl::string_view line :
       absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, '\t');
    rows[kv.first] = std::stoi(kv.second);
  }
  return rows;
}

}  // namespace gridcase::exporter
