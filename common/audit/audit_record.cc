#include "common/audit/audit_record.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/clock/timestamp.h"

namespace gridcase::audit {
namespace {

using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;

// Fields that change with every write and say nothing about what changed.
bool Bookkeeping(const google::protobuf::FieldDescriptor* field) {
  return field->name() == "updated_at" || field->name() == "updated_by" ||
         field->name() == "version";
}

// Collects the paths of the differing fields, e.g. "limits[2].limit.amount".
class PathCollector final : public MessageDifferencer::Reporter {
 public:
  explicit PathCollector(std::vector<std::string>* paths) : paths_(paths) {}
  void ReportAdded(const Message&, const Message&,
                   const std::vector<MessageDifferencer::SpecificField>& path)
      override {
    Add(path);
  }
  void ReportDeleted(const Message&, const Message&,
                     const std::vector<MessageDifferencer::SpecificField>&
                         path) override {
    Add(path);
  }
  void ReportModified(const Message&, const Message&,
                      const std::vector<MessageDifferencer::SpecificField>&
                          path) override {
    Add(path);
  }

 private:
  void Add(const std::vector<MessageDifferencer::SpecificField>& path) {
    std::vector<std::string> parts;
    for (const MessageDifferencer::SpecificField& f : path) {
      if (f.field == nullptr) continue;  // unknown fields
      std::string part = f.field->name();
      int index = f.index >= 0 ? f.index : f.new_index;
      if (f.field->is_repeated() && index >= 0) {
        absl::StrAppend(&part, "[", index, "]");
      }
      parts.push_back(std::move(part));
    }
    std::string joined = absl::StrJoin(parts, ".");
    if (!joined.empty() &&
        (paths_->empty() || paths_->back() != joined)) {
      paths_->push_back(std::move(joined));
    }
  }
  std::vector<std::string>* paths_;
};

// JSON with proto field names, cut at kMaxJsonBytes (`cut` is set then).
std::string Json(const Message* m, bool* cut) {
  if (m == nullptr) return "";
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(*m, &out, options).ok()) {
    return "";
  }
  if (out.size() > kMaxJsonBytes) {
    // Cut on a UTF-8 character boundary so the text stays valid.
    size_t end = kMaxJsonBytes;
    while (end > 0 && (static_cast<unsigned char>(out[end]) & 0xC0) == 0x80) {
      --end;
    }
    out.resize(end);
    *cut = true;
  }
  return out;
}

}  // namespace

std::optional<v1::AuditRecord> Describe(const v1::Actor& actor,
                                        absl::Time when,
                                        absl::string_view action,
                                        absl::string_view object_kind,
                                        absl::string_view object_id,
                                        const Message* before,
                                        const Message* after) {
  v1::AuditRecord record;
  if (before != nullptr && after != nullptr) {
    std::vector<std::string> paths;
    PathCollector collector(&paths);
    MessageDifferencer differencer;
    const google::protobuf::Descriptor* type = after->GetDescriptor();
    for (int i = 0; i < type->field_count(); ++i) {
      if (Bookkeeping(type->field(i))) differencer.IgnoreField(type->field(i));
    }
    differencer.ReportDifferencesTo(&collector);
    differencer.Compare(*before, *after);
    if (paths.empty()) return std::nullopt;  // a no-op write
    // A changed leaf is also reported as its changed parents: keep leaves.
    for (const std::string& p : paths) {
      bool parent = false;
      for (const std::string& q : paths) {
        parent |= q.size() > p.size() && q.compare(0, p.size(), p) == 0 &&
                  q[p.size()] == '.';
      }
      if (!parent) record.add_changed_fields(p);
    }
  } else if (before == nullptr && after == nullptr) {
    return std::nullopt;
  } else {
    record.add_changed_fields("*");
  }
  *record.mutable_time() = ToTimestamp(when);
  *record.mutable_actor() = actor;
  record.set_action(std::string(action));
  record.set_object_kind(std::string(object_kind));
  record.set_object_id(std::string(object_id));
  bool cut = false;
  record.set_before_json(Json(before, &cut));
  record.set_after_json(Json(after, &cut));
  record.set_truncated(cut);
  return record;
}

}  // namespace gridcase::audit
