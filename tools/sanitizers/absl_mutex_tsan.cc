// ThreadSanitizer builds only (GRIDCASE_SANITIZE=thread): makes Debian's
// uninstrumented absl::Mutex, absl::CondVar and absl::Notification visible
// to TSan.
//
// Debian's libabsl_synchronization is not built with -fsanitize=thread, so
// its lock and unlock (atomics and futex calls) are invisible to TSan: every
// access guarded by an absl::Mutex, in gridcase and in gRPC (whose gpr_mu and
// grpc_core::Mutex are absl::Mutex), would be reported as a data race. This
// file defines the exported Mutex and CondVar functions in the test
// executable, so that every caller (our code, and libgrpc/libgpr through the
// PLT) reaches them first; each forwards to the library's own function
// (dlsym RTLD_NEXT) between the annotations absl itself uses when it is built
// with TSan (ABSL_TSAN_MUTEX_* in absl/synchronization/mutex.cc).
// It changes no behaviour: locking is still done by the library.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace {

// The library's function with this mangled name, found once.
void* Real(const char* mangled) {
  void* f = dlsym(RTLD_NEXT, mangled);
  if (f == nullptr) {
    std::fprintf(stderr, "absl_mutex_tsan: %s not found: %s\n", mangled,
                 dlerror());
    std::abort();
  }
  return f;
}

// Mangled names in Debian 12's abseil (inline namespace debian3).
#define GRIDCASE_ABSL_NS "_ZN4absl7debian3"

constexpr unsigned kRead = __tsan_mutex_read_lock;
constexpr unsigned kTry = __tsan_mutex_try_lock;
constexpr unsigned kTryFailed = __tsan_mutex_try_lock_failed;

using MuFn = void (*)(absl::Mutex*);
using MuBoolFn = bool (*)(absl::Mutex*);
using MuCondFn = void (*)(absl::Mutex*, const absl::Condition&);
using MuCondTimeoutFn = bool (*)(absl::Mutex*, const absl::Condition&,
                                 absl::Duration);
using MuCondDeadlineFn = bool (*)(absl::Mutex*, const absl::Condition&,
                                  absl::Time);
using NoteFn = void (*)(absl::Notification*);
using NoteWaitFn = void (*)(const absl::Notification*);
using NoteTimeoutFn = bool (*)(const absl::Notification*, absl::Duration);
using NoteDeadlineFn = bool (*)(const absl::Notification*, absl::Time);
using CvFn = void (*)(absl::CondVar*, absl::Mutex*);
using CvTimeoutFn = bool (*)(absl::CondVar*, absl::Mutex*, absl::Duration);
using CvDeadlineFn = bool (*)(absl::CondVar*, absl::Mutex*, absl::Time);

// The library's functions call each other through the PLT too (for
// example LockWhenWithTimeout calls LockWhenWithDeadline): only the
// outermost call on a thread is annotated.
thread_local int nesting = 0;
class Outermost {
 public:
  Outermost() : outer_(nesting++ == 0) {}
  ~Outermost() { --nesting; }
  explicit operator bool() const { return outer_; }

 private:
  bool outer_;
};

// A call that releases `mu` and holds it again on return (waits).
template <typename F>
auto Released(absl::Mutex* mu, unsigned flags, F call) {
  Outermost outer;
  if (!outer) return call();
  __tsan_mutex_pre_unlock(mu, flags);
  __tsan_mutex_post_unlock(mu, flags);
  auto result = call();
  __tsan_mutex_pre_lock(mu, flags);
  __tsan_mutex_post_lock(mu, flags, 0);
  return result;
}

// A call that returns with `mu` held.
template <typename F>
auto Acquired(absl::Mutex* mu, unsigned flags, F call) {
  Outermost outer;
  if (!outer) return call();
  __tsan_mutex_pre_lock(mu, flags);
  auto result = call();
  __tsan_mutex_post_lock(mu, flags, 0);
  return result;
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

#define GRIDCASE_REAL(type, name) \
  static const auto real = reinterpret_cast<type>(Real(GRIDCASE_ABSL_NS name))

Mutex::~Mutex() {
  GRIDCASE_REAL(MuFn, "5MutexD1Ev");
  __tsan_mutex_destroy(this, 0);
  real(this);
}

void Mutex::Lock() {
  GRIDCASE_REAL(MuFn, "5Mutex4LockEv");
  Acquired(this, 0, [&] { return (real(this), 0); });
}

void Mutex::ReaderLock() {
  GRIDCASE_REAL(MuFn, "5Mutex10ReaderLockEv");
  Acquired(this, kRead, [&] { return (real(this), 0); });
}

bool Mutex::TryLock() {
  GRIDCASE_REAL(MuBoolFn, "5Mutex7TryLockEv");
  Outermost outer;
  if (!outer) return real(this);
  __tsan_mutex_pre_lock(this, kTry);
  bool locked = real(this);
  __tsan_mutex_post_lock(this, kTry | (locked ? 0 : kTryFailed), 0);
  return locked;
}

bool Mutex::ReaderTryLock() {
  GRIDCASE_REAL(MuBoolFn, "5Mutex13ReaderTryLockEv");
  Outermost outer;
  if (!outer) return real(this);
  __tsan_mutex_pre_lock(this, kRead | kTry);
  bool locked = real(this);
  __tsan_mutex_post_lock(this, kRead | kTry | (locked ? 0 : kTryFailed), 0);
  return locked;
}

void Mutex::Unlock() {
  GRIDCASE_REAL(MuFn, "5Mutex6UnlockEv");
  Outermost outer;
  if (!outer) return real(this);
  __tsan_mutex_pre_unlock(this, 0);
  real(this);
  __tsan_mutex_post_unlock(this, 0);
}

void Mutex::ReaderUnlock() {
  GRIDCASE_REAL(MuFn, "5Mutex12ReaderUnlockEv");
  Outermost outer;
  if (!outer) return real(this);
  __tsan_mutex_pre_unlock(this, kRead);
  real(this);
  __tsan_mutex_post_unlock(this, kRead);
}

void Mutex::LockWhen(const Condition& cond) {
  GRIDCASE_REAL(MuCondFn, "5Mutex8LockWhenERKNS0_9ConditionE");
  Acquired(this, 0, [&] { return (real(this, cond), 0); });
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  GRIDCASE_REAL(MuCondTimeoutFn,
                "5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  return Acquired(this, 0, [&] { return real(this, cond, timeout); });
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
  GRIDCASE_REAL(MuCondDeadlineFn,
                "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  return Acquired(this, 0, [&] { return real(this, cond, deadline); });
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  GRIDCASE_REAL(MuCondFn, "5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  Acquired(this, kRead, [&] { return (real(this, cond), 0); });
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, Duration timeout) {
  GRIDCASE_REAL(
      MuCondTimeoutFn,
      "5Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  return Acquired(this, kRead, [&] { return real(this, cond, timeout); });
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, Time deadline) {
  GRIDCASE_REAL(
      MuCondDeadlineFn,
      "5Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  return Acquired(this, kRead, [&] { return real(this, cond, deadline); });
}

void Mutex::Await(const Condition& cond) {
  GRIDCASE_REAL(MuCondFn, "5Mutex5AwaitERKNS0_9ConditionE");
  Released(this, 0, [&] { return (real(this, cond), 0); });
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  GRIDCASE_REAL(MuCondTimeoutFn,
                "5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  return Released(this, 0, [&] { return real(this, cond, timeout); });
}

bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
  GRIDCASE_REAL(MuCondDeadlineFn,
                "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  return Released(this, 0, [&] { return real(this, cond, deadline); });
}

void CondVar::Wait(Mutex* mu) {
  GRIDCASE_REAL(CvFn, "7CondVar4WaitEPNS0_5MutexE");
  Released(mu, 0, [&] { return (real(this, mu), 0); });
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  GRIDCASE_REAL(CvTimeoutFn,
                "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  return Released(mu, 0, [&] { return real(this, mu, timeout); });
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  GRIDCASE_REAL(CvDeadlineFn,
                "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  return Released(mu, 0, [&] { return real(this, mu, deadline); });
}

// Notify releases, and a wait that saw the notification acquires, on the
// notification's flag. HasBeenNotified() is inline (instrumented): its
// acquire load of the flag pairs with the release in Notify.
void Notification::Notify() {
  GRIDCASE_REAL(NoteFn, "12Notification6NotifyEv");
  __tsan_release(&notified_yet_);
  real(this);
}

void Notification::WaitForNotification() const {
  static const auto real = reinterpret_cast<NoteWaitFn>(
      Real("_ZNK4absl7debian312Notification19WaitForNotificationEv"));
  real(this);
  __tsan_acquire(const_cast<std::atomic<bool>*>(&notified_yet_));
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  static const auto real = reinterpret_cast<NoteTimeoutFn>(
      Real("_ZNK4absl7debian312Notification30WaitForNotificationWithTimeout"
           "ENS0_8DurationE"));
  bool notified = real(this, timeout);
  if (notified) __tsan_acquire(const_cast<std::atomic<bool>*>(&notified_yet_));
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  static const auto real = reinterpret_cast<NoteDeadlineFn>(
      Real("_ZNK4absl7debian312Notification31WaitForNotificationWithDeadline"
           "ENS0_4TimeE"));
  bool notified = real(this, deadline);
  if (notified) __tsan_acquire(const_cast<std::atomic<bool>*>(&notified_yet_));
  return notified;
}

ABSL_NAMESPACE_END
}  // namespace absl
