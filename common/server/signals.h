// Termination signals without signal handlers: main() blocks SIGTERM and
// SIGINT before any thread starts (threads inherit the mask), then waits for
// one with sigwait and shuts down on an ordinary thread.
#ifndef GRIDCASE_COMMON_SERVER_SIGNALS_H_
#define GRIDCASE_COMMON_SERVER_SIGNALS_H_

namespace gridcase::server {

// Blocks SIGTERM and SIGINT in the calling thread and ignores SIGPIPE.
void BlockTerminationSignals();

// Waits for SIGTERM or SIGINT (blocked beforehand) and returns its number.
int WaitForTerminationSignal();

}  // namespace gridcase::server

#endif  // GRIDCASE_COMMON_SERVER_SIGNALS_H_
