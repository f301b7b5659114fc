// IntakeServiceImpl::WatchCases: server-streaming case events for app and
// WeChat backends. New entries come from the process' WatchHub (one reader
// per shard, fanning out to every stream); what a stream missed before it
// joined the hub it reads itself with XRANGE. The resume token holds the
// stream position of every shard the watch reads, so a client that
// reconnects with it misses nothing and sees nothing twice.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/auth/serve.h"
#include "common/log/log.h"
#include "common/redis/stream_id.h"
#include "common/status/status_macros.h"
#include "common/store/case_id.h"
#include "common/store/keys.h"
#include "common/store/visibility.h"
#include "services/intake/intake_service.h"

namespace gridcase::intake {
namespace {

// How often a stream checks whether its client went away, how often an idle
// stream gets a heartbeat, and how many entries one catch-up read takes.
constexpr absl::Duration kPoll = absl::Seconds(1);
constexpr absl::Duration kHeartbeat = absl::Seconds(30);
constexpr int kBatch = 100;

using Positions = WatchSubscription::Positions;  // shard -> last stream id

bool IsStreamId(absl::string_view id) {
  return redis::StreamId::Parse(id).has_value();
}

std::string EncodeToken(const Positions& positions) {
  std::vector<std::string> parts;
  for (const auto& [shard, id] : positions) {
    parts.push_back(absl::StrCat(shard, "=", id));
  }
  return absl::WebSafeBase64Escape(
      absl::StrCat("w1|", absl::StrJoin(parts, ";")));
}

absl::StatusOr<Positions> DecodeToken(absl::string_view token,
                                      const std::vector<int>& shards) {
  std::string decoded;
  auto bad = [] {
    return absl::InvalidArgumentError(
        "resume_token: malformed or made for another filter");
  };
  if (!absl::WebSafeBase64Unescape(token, &decoded)) return bad();
  absl::string_view raw = decoded;
  if (!absl::ConsumePrefix(&raw, "w1|")) return bad();
  Positions positions;
  for (absl::string_view part : absl::StrSplit(raw, ';', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    int shard;
    if (!absl::SimpleAtoi(kv.first, &shard) || !IsStreamId(kv.second)) {
      return bad();
    }
    positions[shard] = std::string(kv.second);
  }
  if (positions.size() != shards.size()) return bad();
  for (int s : shards) {
    if (!positions.count(s)) return bad();
  }
  return positions;
}

bool Matches(const v1::WatchCasesRequest& r, const v1::CaseEvent& e) {
  if (!r.types().empty() && std::find(r.types().begin(), r.types().end(),
                                      e.type()) == r.types().end()) {
    return false;
  }
  switch (r.filter_case()) {
    case v1::WatchCasesRequest::kCaseId:
      return e.case_id() == r.case_id() ||
             (e.type() == v1::CASE_EVENT_TYPE_MERGED &&
              e.related_case_id() == r.case_id());
    case v1::WatchCasesRequest::kRegionCode:
      return absl::StartsWith(e.dimensions().grid_code(), r.region_code());
    case v1::WatchCasesRequest::kReporterId:
      return e.dimensions().reporter_id() == r.reporter_id();
    default:
      return false;
  }
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

}  // namespace

grpc::Status IntakeServiceImpl::WatchCases(
    grpc::ServerContext* context, const v1::WatchCasesRequest* request,
    grpc::ServerWriter<v1::WatchCasesResponse>* writer) {
  return auth::ServeAs(context, *authenticator_,
                       "gridcase.v1.IntakeService/WatchCases", *request,
                       [&](const auto& actor) {
                         return DoWatchCases(actor, *request, context, writer);
                       });
}

absl::Status IntakeServiceImpl::DoWatchCases(
    const v1::Actor& actor, const v1::WatchCasesRequest& req,
    grpc::ServerContext* context,
    grpc::ServerWriter<v1::WatchCasesResponse>* writer) {
  std::vector<int> shards;
  // The watched case's reporter, as stored: authoritative over the copy on
  // its events (events written before reporter_anonymous existed lack it).
  std::optional<store::ReporterFacts> watched;
  switch (req.filter_case()) {
    case v1::WatchCasesRequest::kCaseId: {
      ASSIGN_OR_RETURN(store::CaseId id,
                       store::ParseCaseId(req.case_id(), options_.shards));
      ASSIGN_OR_RETURN(v1::Case c, store_->GetCase(req.case_id()));
      watched = store::ReporterFacts::Of(c);
      shards = {id.shard};
      break;
    }
    case v1::WatchCasesRequest::kRegionCode: {
      const std::string& region = req.region_code();
      if (!AllDigits(region) ||
          (region.size() != 9 && region.size() != 12 && region.size() != 15)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "region_code: must be a town (9 digits), community (12) or grid "
            "(15) code, got '",
            region, "'"));
      }
      absl::Status known = registry_->GetRegion(region).status();
      if (known.code() == absl::StatusCode::kNotFound) {
        return absl::NotFoundError(
            absl::StrCat("region_code: region ", region, " not found"));
      }
      RETURN_IF_ERROR(known);
      shards = {store::ShardOf(region.substr(0, 9), options_.shards)};
      break;
    }
    case v1::WatchCasesRequest::kReporterId:
      for (int s = 0; s < options_.shards; ++s) shards.push_back(s);
      break;
    default:
      return absl::InvalidArgumentError(
          "filter: give one of case_id, reporter_id or region_code");
  }
  if (OnlyCitizen(actor) &&
      (req.filter_case() == v1::WatchCasesRequest::kRegionCode ||
       (req.filter_case() == v1::WatchCasesRequest::kReporterId &&
        req.reporter_id() != actor.subject()))) {
    return absl::PermissionDeniedError(absl::StrCat(
        "filter: a citizen may watch a case_id or their own reporter_id (",
        actor.subject(), ")"));
  }
  if (!req.resume_token().empty() && !req.resume_after_event_id().empty()) {
    return absl::InvalidArgumentError(
        "resume_token: give either resume_token or resume_after_event_id, not "
        "both");
  }

  Positions positions;
  if (!req.resume_token().empty()) {
    ASSIGN_OR_RETURN(positions, DecodeToken(req.resume_token(), shards));
  } else if (!req.resume_after_event_id().empty()) {
    if (req.filter_case() == v1::WatchCasesRequest::kReporterId) {
      return absl::InvalidArgumentError(
          "resume_after_event_id: works with case_id and region_code only "
          "(one shard); use resume_token with reporter_id");
    }
    if (!IsStreamId(req.resume_after_event_id())) {
      return absl::InvalidArgumentError(
          absl::StrCat("resume_after_event_id: must be an event id like "
                       "1719712800000-0, got '",
                       req.resume_after_event_id(), "'"));
    }
    positions[shards[0]] = req.resume_after_event_id();
  }
  if (watch_hub_ == nullptr) {
    return absl::UnavailableError("WatchCases: not served by this process");
  }
  // Join first: from here on the hub queues every entry after joined_at.
  ASSIGN_OR_RETURN(std::unique_ptr<WatchSubscription> subscription,
                   watch_hub_->Subscribe(actor.subject(), shards,
                                         [req](const v1::CaseEvent& e) {
                                           return Matches(req, e);
                                         }));
  if (positions.empty()) {
    ASSIGN_OR_RETURN(positions, store_->StreamTails(shards));
  } else {
    for (const auto& [shard, id] : positions) {
      RETURN_IF_ERROR(store_->CheckRetained(shard, id));
    }
  }

  v1::WatchCasesResponse marker;
  marker.set_resume_token(EncodeToken(positions));
  if (!writer->Write(marker)) return absl::OkStatus();
  absl::Time last_write = absl::Now();
  // Watching someone's reports must not reveal their anonymous ones to a
  // reader who may not see anonymous reporters.
  const std::string reporter_filter =
      req.filter_case() == v1::WatchCasesRequest::kReporterId
          ? req.reporter_id()
          : std::string();

  // Sends `se` if the watch wants it and the reader may see it; false when
  // the client has gone. Entries at or before the position were sent.
  auto deliver = [&](const StreamEvent& se) {
    std::string& at = positions[se.shard];
    if (!redis::StreamIdLess(at, se.event.id())) return true;
    at = se.event.id();
    if (se.corrupt) {
      log::Warn("watch: skipping a corrupt event",
                {{"shard", se.shard}, {"event_id", se.event.id()}});
      return true;
    }
    if (!Matches(req, se.event)) return true;
    store::ReporterFacts facts =
        watched.has_value() && se.event.case_id() == req.case_id()
            ? *watched
            : store::ReporterFacts::Of(se.event);
    if (!store::MayListByReporter(actor, facts, reporter_filter)) return true;
    v1::WatchCasesResponse message;
    *message.mutable_event() = store::PresentEvent(se.event, actor, facts);
    message.set_resume_token(EncodeToken(positions));
    if (!writer->Write(message)) return false;
    last_write = absl::Now();
    return true;
  };

  // What came between the client's position and the hub's when it joined.
  for (const auto& [shard, joined] : subscription->joined_at()) {
    while (redis::StreamIdLess(positions[shard], joined)) {
      absl::StatusOr<std::vector<StreamEvent>> page =
          store_->ReadRange(shard, positions[shard], joined, kBatch);
      if (!page.ok()) {
        return absl::UnavailableError(
            absl::StrCat("watch interrupted: ", page.status().message(),
                         "; reconnect with the last resume_token"));
      }
      if (page->empty()) break;  // nothing left up to `joined`
      for (const StreamEvent& se : *page) {
        if (!deliver(se)) return absl::OkStatus();
      }
    }
  }

  std::vector<std::shared_ptr<const StreamEvent>> events;
  Positions latest;
  while (!context->IsCancelled()) {
    switch (subscription->Wait(kPoll, &events, &latest)) {
      case WatchSubscription::Next::kOverflowed:
        return absl::AbortedError(absl::StrCat(
            "WatchCases: this stream fell more than ",
            watch_hub_->limits().buffer_events,
            " events behind and was ended; reconnect with the last "
            "resume_token to read on from there"));
      case WatchSubscription::Next::kClosed:
        return absl::UnavailableError(
            "WatchCases: this intake replica is shutting down; reconnect "
            "with the last resume_token");
      case WatchSubscription::Next::kEvents:
        for (const auto& se : events) {
          if (!deliver(*se)) return absl::OkStatus();
        }
        [[fallthrough]];
      case WatchSubscription::Next::kIdle:
        // Entries the watch did not want move the token on too.
        for (const auto& [shard, id] : latest) {
          if (redis::StreamIdLess(positions[shard], id)) positions[shard] = id;
        }
        break;
    }
    events.clear();
    if (absl::Now() - last_write >= kHeartbeat) {
      v1::WatchCasesResponse heartbeat;
      heartbeat.set_resume_token(EncodeToken(positions));
      if (!writer->Write(heartbeat)) return absl::OkStatus();
      last_write = absl::Now();
    }
  }
  return absl::OkStatus();
}

}  // namespace gridcase::intake
