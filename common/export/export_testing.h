// Test support: reads an XLSX file back with testdata/read_xlsx.py (Python's
// zipfile and XML modules, independent of libxlsxwriter) into
// "SHEET!REF" → value, and the value's number format.
#ifndef GRIDCASE_COMMON_EXPORT_EXPORT_TESTING_H_
#define GRIDCASE_COMMON_EXPORT_EXPORT_TESTING_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace gridcase::exporter {

struct XlsxCell {
  std::string value;
  std::string format;  // number format code, e.g. "0.0%"; "" for text
};

// `source_dir` is the repository root (for the script).
absl::StatusOr<std::map<std::string, XlsxCell>> ReadXlsx(
    const std::string& source_dir, const std::string& path);

// Rows per sheet (read_xlsx.py --rows: counted, not parsed; for big files).
absl::StatusOr<std::map<std::string, int>> XlsxRows(
    const std::string& source_dir, const std::string& path);

}  // namespace gridcase::exporter

#endif  // GRIDCASE_COMMON_EXPORT_EXPORT_TESTING_H_
