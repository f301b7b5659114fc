// The archived form of a closed case (keys.h, ArchiveKey): after
// --archive_after, dispatch's archiver (services/dispatch/archiver.h)
// replaces the case's hash, timeline and followers with one string, and
// every reader (case_reader.h) falls back to it. The string is
//
//   "GCA1" zstd( varint n, n × (field, value)   the case hash, as stored
//                varint m, m × entry )          the timeline entries
//
// each string preceded by its varint length. The hash and the entries keep
// the encodings of case_hash.h and stream_entry.h, so an archived case
// decodes exactly as it did before archiving.
//
// Archives are small (a few KB before compression) and alike, so zstd does
// far better with a dictionary trained on them: the archiver trains one
// from the first cases it archives and stores it once ({arc}:dict:<id>);
// each frame names the dictionary it needs by zstd's dictionary id.
#ifndef GRIDCASE_COMMON_STORE_ARCHIVE_H_
#define GRIDCASE_COMMON_STORE_ARCHIVE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gridcase::store {

struct ArchivedCase {
  std::map<std::string, std::string> hash;  // the case hash, field → value
  std::vector<std::string> timeline;        // the raw timeline entries
};

// A zstd dictionary for archives, and the id zstd gave it (never 0).
struct ArchiveDictionary {
  uint32_t id = 0;
  std::string bytes;
};

// A dictionary of at most `max_bytes` trained on `samples`; nullopt when
// zstd cannot train one from them (too few, or too small).
std::optional<ArchiveDictionary> TrainArchiveDictionary(
    const std::vector<ArchivedCase>& samples, size_t max_bytes = 16 * 1024);

// A dictionary from its stored bytes; nullopt if they are not one.
std::optional<ArchiveDictionary> LoadArchiveDictionary(std::string bytes);

// The archive string of a case, compressed with `dictionary` if given.
// `level`: zstd's compression level.
std::string EncodeArchive(const ArchivedCase& archived,
                          const ArchiveDictionary* dictionary = nullptr,
                          int level = 19);

// The id of the dictionary an archive string needs, 0 for none; DATA_LOSS
// naming the case when the string is not an archive.
absl::StatusOr<uint32_t> ArchiveDictionaryId(absl::string_view case_id,
                                             absl::string_view archive);

// The case from its archive string, given the dictionary it needs (if
// any); DATA_LOSS naming the case when the string is not one (wrong magic,
// a zstd error, truncated or trailing data) or the dictionary is not the
// one it needs.
absl::StatusOr<ArchivedCase> DecodeArchive(
    absl::string_view case_id, absl::string_view archive,
    const ArchiveDictionary* dictionary = nullptr);

}  // namespace gridcase::store

#endif  // GRIDCASE_COMMON_STORE_ARCHIVE_H_
