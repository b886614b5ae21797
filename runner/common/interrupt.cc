#include "runner/common/interrupt.h"

#include <signal.h>

#include <atomic>

namespace cirun {
namespace {

CancelToken* g_token = nullptr;
std::atomic<int> g_signal{0};

void OnSignal(int sig) {
  g_signal.store(sig, std::memory_order_relaxed);
  if (g_token) g_token->Cancel();
}

}  // namespace

void CancelOnInterrupt(CancelToken* token) {
  g_token = token;
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sa.sa_flags = SA_RESETHAND;  // the second signal gets the default action
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int LastInterrupt() {
  return g_signal.load(std::memory_order_relaxed);
}

}  // namespace cirun
