#include "common/store/archive.h"

#include <zdict.h>
#include <zstd.h>

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace gridcase::store {
namespace {

constexpr absl::string_view kMagic = "GCA1";
// An archive larger than this once decompressed is corrupt: a case hash is
// bounded by the API's limits, its timeline by the events a case can take.
constexpr uint64_t kMaxPlain = 64 << 20;

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutString(std::string* out, absl::string_view s) {
  PutVarint(out, s.size());
  out->append(s.data(), s.size());
}

bool GetVarint(absl::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) return true;
  }
  return false;
}

bool GetString(absl::string_view* in, std::string* s) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  s->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}

absl::Status Corrupt(absl::string_view case_id, absl::string_view why) {
  return absl::DataLossError(
      absl::StrCat("archive of case ", case_id, " is corrupt: ", why));
}

std::string Plain(const ArchivedCase& archived) {
  std::string plain;
  PutVarint(&plain, archived.hash.size());
  for (const auto& [field, value] : archived.hash) {
    PutString(&plain, field);
    PutString(&plain, value);
  }
  PutVarint(&plain, archived.timeline.size());
  for (const std::string& entry : archived.timeline) PutString(&plain, entry);
  return plain;
}

}  // namespace

std::optional<ArchiveDictionary> TrainArchiveDictionary(
    const std::vector<ArchivedCase>& samples, size_t max_bytes) {
  std::string all;
  std::vector<size_t> sizes;
  for (const ArchivedCase& a : samples) {
    std::string plain = Plain(a);
    all += plain;
    sizes.push_back(plain.size());
  }
  std::string dict(max_bytes, '\0');
  size_t n =
      ZDICT_trainFromBuffer(dict.data(), dict.size(), all.data(), sizes.data(),
                            static_cast<unsigned>(sizes.size()));
  if (ZDICT_isError(n)) return std::nullopt;
  dict.resize(n);
  return LoadArchiveDictionary(std::move(dict));
}

std::optional<ArchiveDictionary> LoadArchiveDictionary(std::string bytes) {
  unsigned id = ZDICT_getDictID(bytes.data(), bytes.size());
  if (id == 0) return std::nullopt;
  return ArchiveDictionary{.id = id, .bytes = std::move(bytes)};
}

std::string EncodeArchive(const ArchivedCase& archived,
                          const ArchiveDictionary* dictionary, int level) {
  std::string plain = Plain(archived);
  std::string out(kMagic);
  size_t bound = ZSTD_compressBound(plain.size());
  out.resize(kMagic.size() + bound);
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  size_t n = ZSTD_compress_usingDict(
      cctx, out.data() + kMagic.size(), bound, plain.data(), plain.size(),
      dictionary == nullptr ? nullptr : dictionary->bytes.data(),
      dictionary == nullptr ? 0 : dictionary->bytes.size(), level);
  ZSTD_freeCCtx(cctx);
  // It fails only on a destination smaller than its bound.
  out.resize(kMagic.size() + (ZSTD_isError(n) ? 0 : n));
  return out;
}

absl::StatusOr<uint32_t> ArchiveDictionaryId(absl::string_view case_id,
                                             absl::string_view archive) {
  if (archive.substr(0, kMagic.size()) != kMagic) {
    return Corrupt(case_id, "it does not start with GCA1");
  }
  archive.remove_prefix(kMagic.size());
  return ZSTD_getDictID_fromFrame(archive.data(), archive.size());
}

absl::StatusOr<ArchivedCase> DecodeArchive(
    absl::string_view case_id, absl::string_view archive,
    const ArchiveDictionary* dictionary) {
  ASSIGN_OR_RETURN(uint32_t needs, ArchiveDictionaryId(case_id, archive));
  uint32_t given = dictionary == nullptr ? 0 : dictionary->id;
  if (needs != given) {
    return Corrupt(
        case_id, absl::StrCat("it needs dictionary ", needs, ", not ", given));
  }
  archive.remove_prefix(kMagic.size());
  unsigned long long size =
      ZSTD_getFrameContentSize(archive.data(), archive.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
      size > kMaxPlain) {
    return Corrupt(case_id, "not a zstd frame of a known, bounded size");
  }
  std::string plain(size, '\0');
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  size_t n = ZSTD_decompress_usingDict(
      dctx, plain.data(), plain.size(), archive.data(), archive.size(),
      dictionary == nullptr ? nullptr : dictionary->bytes.data(),
      dictionary == nullptr ? 0 : dictionary->bytes.size());
  ZSTD_freeDCtx(dctx);
  if (ZSTD_isError(n) || n != size) {
    return Corrupt(
        case_id, ZSTD_isError(n) ? ZSTD_getErrorName(n) : "a short zstd frame");
  }
  absl::string_view in = plain;
  ArchivedCase out;
  uint64_t fields;
  if (!GetVarint(&in, &fields)) return Corrupt(case_id, "no field count");
  for (uint64_t i = 0; i < fields; ++i) {
    std::string field, value;
    if (!GetString(&in, &field) || !GetString(&in, &value)) {
      return Corrupt(case_id, "a truncated hash field");
    }
    out.hash.emplace(std::move(field), std::move(value));
  }
  uint64_t entries;
  if (!GetVarint(&in, &entries)) return Corrupt(case_id, "no entry count");
  for (uint64_t i = 0; i < entries; ++i) {
    std::string entry;
    if (!GetString(&in, &entry)) {
      return Corrupt(case_id, "a truncated timeline entry");
    }
    out.timeline.push_back(std::move(entry));
  }
  if (!in.empty()) return Corrupt(case_id, "data after the timeline");
  return out;
}

}  // namespace gridcase::store
