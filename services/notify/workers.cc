#include "services/notify/workers.h"

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"
#include "common/store/stream_entry.h"
#include "services/notify/payloads.h"
#include "services/notify/recipients.h"
#include "services/notify/signer.h"

namespace gridcase::notify {
namespace {

double Random01() {
  thread_local absl::BitGen gen;
  return absl::Uniform<double>(gen, 0.0, 1.0);
}

}  // namespace

Workers::Workers(Outbox* outbox, CaseFacts* cases, events::EventSource* events,
                 HttpPoster* http, const Routes* routes, std::string secret,
                 NotifyMetrics* metrics, const Clock* clock,
                 WorkerOptions options)
    : outbox_(outbox),
      cases_(cases),
      events_(events),
      http_(http),
      routes_(routes),
      secret_(std::move(secret)),
      metrics_(metrics),
      clock_(clock),
      options_(std::move(options)) {}

Workers::~Workers() { Stop(); }

void Workers::Start() {
  loops_.Run([this] {
    events::Consume(events_,
                    {.consumer = options_.consumer,
                     .batch = options_.batch,
                     .block = options_.block,
                     .claim_idle = options_.claim_idle,
                     .max_deliveries = options_.max_deliveries},
                    &metrics_->dead_letters(), loops_,
                    [this](const auto& entries) { return Handle(entries); });
  });
  for (int i = 0; i < options_.senders; ++i) {
    loops_.Run([this, i] { SenderLoop(i); });
  }
  loops_.Run([this] { GaugeLoop(); });
}

void Workers::Stop() { loops_.Stop(); }

absl::StatusOr<std::vector<NewDelivery>> Workers::Deliveries(
    const v1::CaseEvent& event) {
  std::vector<NewDelivery> out;
  const std::vector<v1::RecipientKind>& kinds =
      routes_->RecipientsOf(event.type());
  if (kinds.empty()) return out;
  absl::Time at = absl::FromUnixSeconds(event.time().seconds()) +
                  absl::Nanoseconds(event.time().nanos());
  if (options_.max_event_age > absl::ZeroDuration() &&
      at < clock_->Now() - options_.max_event_age) {
    metrics_->Event(NotifyMetrics::EventOutcome::kTooOld);
    return out;
  }
  ASSIGN_OR_RETURN(v1::Case c, cases_->Case(event.shard(), event.case_id()));
  std::vector<std::string> followers;
  for (v1::RecipientKind k : kinds) {
    if (k != v1::RECIPIENT_KIND_FOLLOWER) continue;
    ASSIGN_OR_RETURN(followers,
                     cases_->Followers(event.shard(), event.case_id()));
  }
  Plan plan = PlanTargets(*routes_, event, c, followers);
  for (v1::RecipientKind k : plan.skipped) metrics_->Skipped(k);
  for (Target& t : plan.targets) {
    std::string body = BuildBody(t, event, c, routes_->templates);
    out.push_back({std::move(t), std::move(body)});
  }
  return out;
}

std::vector<absl::Status> Workers::Handle(
    const std::vector<events::StreamEntry>& entries) {
  std::vector<absl::Status> out(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    absl::StatusOr<v1::CaseEvent> event = store::ToCaseEvent(entries[i]);
    if (!event.ok()) {
      out[i] = event.status();  // DATA_LOSS: quarantined
      metrics_->Event(NotifyMetrics::EventOutcome::kError);
      continue;
    }
    absl::StatusOr<std::vector<NewDelivery>> batch = Deliveries(*event);
    if (!batch.ok() && absl::IsNotFound(batch.status())) {
      // The case is gone (never the case while it can have events): there
      // is nothing to tell anybody about.
      log::Warn("event of a missing case not notified",
                {{"id", event->id()}, {"case_id", event->case_id()}});
      metrics_->Event(NotifyMetrics::EventOutcome::kUnrouted);
      continue;
    }
    absl::Status status = batch.status();
    if (status.ok() && !batch->empty()) {
      absl::StatusOr<int> created =
          outbox_->Enqueue(*event, *batch, clock_->Now());
      status = created.status();
      if (created.ok() && *created > 0) {
        for (const NewDelivery& d : *batch)
          metrics_->Created(d.target.channel, 1);
      }
    }
    if (!status.ok()) {
      log::Warn("writing an event's notifications failed",
                {{"id", event->id()},
                 {"case_id", event->case_id()},
                 {"error", std::string(status.message())}});
      metrics_->Event(NotifyMetrics::EventOutcome::kError);
      out[i] = status;
      if (events::Classify(status) == events::Failure::kTransient) {
        // Redis is down: the rest of the batch waits for its next claim.
        for (size_t rest = i + 1; rest < entries.size(); ++rest) {
          out[rest] = status;
        }
        break;
      }
      continue;
    }
    metrics_->Event(batch->empty() ? NotifyMetrics::EventOutcome::kUnrouted
                                   : NotifyMetrics::EventOutcome::kRouted);
  }
  return out;
}

void Workers::Send(const Leased& leased) {
  int64_t ts = absl::ToUnixSeconds(clock_->Now());
  Headers headers = {{kDeliveryHeader, leased.id},
                     {kTimestampHeader, absl::StrCat(ts)},
                     {kSignatureHeader, SignatureV1(secret_, ts, leased.body)},
                     {"X-Gridcase-Attempt", absl::StrCat(leased.attempt)}};
  HttpResult result = http_->Post(leased.endpoint, headers, leased.body,
                                  options_.request_timeout);
  Outcome outcome = AfterAttempt(
      options_.backoff, static_cast<int>(leased.attempt), Classify(result));
  absl::Time now = clock_->Now();
  absl::Time next =
      now + RetryDelay(options_.backoff, static_cast<int>(leased.attempt),
                       options_.backoff.jitter > 0 ? Random01() : 0.0);
  std::string described = Describe(result);
  absl::StatusOr<bool> settled =
      outbox_->Settle(leased, outcome, now, next, described);
  if (!settled.ok()) {
    // The lease runs out and the delivery is tried again (the receiver
    // drops the repeat by its X-Gridcase-Delivery).
    log::Warn("recording a delivery's outcome failed",
              {{"delivery", leased.id},
               {"error", std::string(settled.status().message())}});
    return;
  }
  if (!*settled) {
    metrics_->Stale(leased.channel);
    return;
  }
  metrics_->Attempt(leased.channel, outcome);
  if (outcome == Outcome::kDead) {
    log::Warn("delivery dead-lettered", {{"delivery", leased.id},
                                         {"attempt", leased.attempt},
                                         {"result", described}});
  }
}

absl::StatusOr<int> Workers::SendDue(int shard) {
  ASSIGN_OR_RETURN(
      std::vector<Leased> leased,
      outbox_->Lease(shard, clock_->Now(), options_.lease, options_.lease_batch,
                     options_.backoff.max_attempts));
  for (const Leased& l : leased) {
    if (loops_.stopping()) break;  // the lease runs out; another replica sends
    Send(l);
  }
  return static_cast<int>(leased.size());
}

void Workers::SenderLoop(int index) {
  while (!loops_.stopping()) {
    int sent = 0;
    for (int shard = index; shard < options_.shards && !loops_.stopping();
         shard += options_.senders) {
      absl::StatusOr<int> n = SendDue(shard);
      if (!n.ok()) {
        log::Warn(
            "leasing deliveries failed",
            {{"shard", shard}, {"error", std::string(n.status().message())}});
        continue;
      }
      sent += *n;
    }
    // More may be due after a busy round: go round again at once.
    if (sent == 0 && !loops_.Sleep(options_.poll)) break;
  }
}

void Workers::GaugeLoop() {
  do {
    absl::StatusOr<int64_t> due = outbox_->DueCount(clock_->Now());
    if (due.ok()) metrics_->SetDue(*due);
    absl::StatusOr<std::pair<int64_t, int64_t>> b = events_->Backlog();
    if (b.ok()) metrics_->SetLag(b->first, b->second);
  } while (loops_.Sleep(options_.gauge_interval));
}

}  // namespace gridcase::notify
