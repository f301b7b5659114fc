#include "common/store/stream_entry.h"

#include "absl/strings/str_cat.h"

namespace gridcase::store {
namespace {

v1::CaseEvent WithoutEntryFields(v1::CaseEvent e) {
  e.clear_id();
  e.clear_case_id();
  e.clear_related_case_id();
  e.clear_shard();
  return e;
}

}  // namespace

absl::StatusOr<StreamEntry> DecodeStreamEntry(int shard,
                                              const redis::Reply& element) {
  const auto& pair = element.elements();
  if (element.type() != redis::Reply::Type::kArray || pair.size() != 2 ||
      pair[0].type() != redis::Reply::Type::kString ||
      pair[1].type() != redis::Reply::Type::kArray ||
      pair[1].elements().size() % 2 != 0) {
    return absl::DataLossError(absl::StrCat(
        "stream entry of shard ", shard,
        " is not [id, [field, value, ...]]: ", element.DebugString()));
  }
  StreamEntry e;
  e.shard = shard;
  e.id = pair[0].str();
  const auto& fields = pair[1].elements();
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& name = fields[i].str();
    const std::string& value = fields[i + 1].str();
    if (name == "type") e.type = value;
    if (name == "case") e.case_id = value;
    if (name == "related") e.related_case_id = value;
    if (name == "pb") e.pb = value;
  }
  return e;
}

absl::StatusOr<v1::CaseEvent> ToCaseEvent(const StreamEntry& entry) {
  auto bad = [&](absl::string_view why) {
    return absl::DataLossError(absl::StrCat(
        "stream entry ", entry.id, " of shard ", entry.shard, " ", why));
  };
  if (entry.case_id.empty()) return bad("names no case");
  v1::CaseEvent event;
  if (entry.pb.empty() || !event.ParseFromString(entry.pb)) {
    return bad("has a corrupt event");
  }
  event.set_id(entry.id);
  event.set_shard(entry.shard);
  event.set_case_id(entry.case_id);
  event.set_related_case_id(entry.related_case_id);
  return event;
}

StreamEntry ToStreamEntry(const v1::CaseEvent& event) {
  StreamEntry e;
  e.shard = event.shard();
  e.id = event.id();
  e.type = EventTypeName(event.type());
  e.case_id = event.case_id();
  e.related_case_id = event.related_case_id();
  e.pb = WithoutEntryFields(event).SerializeAsString();
  return e;
}

std::vector<std::string> StreamFields(const StreamEntry& e) {
  return {"type", e.type, "case", e.case_id, "related", e.related_case_id,
          "pb",   e.pb};
}

std::string FormatTimelineEntry(const v1::CaseEvent& event) {
  return absl::StrCat(
      event.id(), " ",
      event.related_case_id().empty() ? "-" : event.related_case_id(), " ",
      WithoutEntryFields(event).SerializeAsString());
}

absl::StatusOr<v1::CaseEvent> ParseTimelineEntry(absl::string_view raw,
                                                 absl::string_view case_id,
                                                 int shard) {
  size_t first = raw.find(' ');
  size_t second =
      first == absl::string_view::npos ? first : raw.find(' ', first + 1);
  v1::CaseEvent event;
  if (second == absl::string_view::npos ||
      !event.ParseFromArray(raw.data() + second + 1,
                            static_cast<int>(raw.size() - second - 1))) {
    return absl::DataLossError(
        absl::StrCat("timeline of case ", case_id, " is corrupt"));
  }
  event.set_id(std::string(raw.substr(0, first)));
  absl::string_view related = raw.substr(first + 1, second - first - 1);
  if (related != "-") event.set_related_case_id(std::string(related));
  event.set_case_id(std::string(case_id));
  event.set_shard(shard);
  return event;
}

}  // namespace gridcase::store
