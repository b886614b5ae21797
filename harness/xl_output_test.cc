// xl create -F -c output: which lines are xl's, and how its end decodes.
#include "harness/xl_output.h"

#include <doctest/doctest.h>

namespace cirun {
namespace {

ProcessExit Exited(int code) {
  ProcessExit e;
  e.kind = ProcessExit::Kind::kExited;
  e.code = code;
  return e;
}

// What xl prints around a guest that shut down with `reason` (on_* = destroy).
std::string XlAround(const std::string& guest, int reason) {
  const std::string r = std::to_string(reason);
  return "Parsing config from /w/ci-run-1-2-3-0.xl\n"
         "Waiting for domain ci-run-1-2-3-0 (domid 7) to die [pid 99]\n" +
         guest + "Domain 7 has shut down, reason code " + r + " 0x" + r +
         "\nAction for shutdown reason code " + r +
         " is destroy\nDomain 7 needs to be cleaned up: destroying the domain\nDone. Exiting now\n";
}

}  // namespace

TEST_CASE("IsXlOwnLine: xl's, libxl's and xenconsole's lines, never the guest's") {
  for (const char* line :
       {"Parsing config from /tmp/x.xl", "Waiting for domain web (domid 3) to die [pid 12]",
        "Domain 3 has shut down, reason code 0 0x0", "Action for shutdown reason code 0 is destroy",
        "Domain 3 needs to be cleaned up: destroying the domain", "Done. Exiting now",
        "Domain 3 has been destroyed.",
        "libxl: error: libxl_create.c:1234:domcreate: cannot make domain: -3",
        "xenconsole: Could not read tty from store: No such file or directory"}) {
    CHECK_MESSAGE(IsXlOwnLine(line), line);
  }
  for (const char* line : {"Hello from xen", "EXIT: 0", "SUCCESS", "PANIC: x", "error: bad port",
                           "  Parsing config from x", "Domain x has shut down"}) {
    CHECK_MESSAGE(!IsXlOwnLine(line), line);
  }
}

TEST_CASE("DecodeXlExit: the guest's EXIT line gives the code, whatever Xen's reason") {
  GuestExit ok = DecodeXlExit(Exited(0), XlAround("Hello\nSUCCESS\nEXIT: 0\n", 0));
  CHECK(ok.kind == GuestExit::Kind::kCode);
  CHECK(ok.code == 0);
  GuestExit rejected = DecodeXlExit(Exited(0), XlAround("error: bad\r\nEXIT: 64\r\n", 3));
  CHECK(rejected.kind == GuestExit::Kind::kCode);
  CHECK(rejected.code == 64);
  GuestExit solo5 = DecodeXlExit(Exited(0), XlAround("Solo5: solo5_exit(2) called\n", 0));
  CHECK(solo5.kind == GuestExit::Kind::kCode);
  CHECK(solo5.code == 2);
  // The last exit line wins; an "EXIT:" inside another line does not count.
  CHECK(DecodeXlExit(Exited(0), XlAround("EXIT: 1\nsay EXIT: 5\nEXIT: 3\n", 3)).code == 3);
}

TEST_CASE("DecodeXlExit: without an exit line, Xen's shutdown reason decides") {
  GuestExit poweroff = DecodeXlExit(Exited(0), XlAround("bye\n", 0));
  CHECK(poweroff.kind == GuestExit::Kind::kCode);
  CHECK(poweroff.code == 0);
  GuestExit crash = DecodeXlExit(Exited(0), XlAround("", 3));
  CHECK(crash.kind == GuestExit::Kind::kCrash);
  CHECK(crash.note == "the domain shut down with Xen reason crash and no exit line");
  CHECK(DecodeXlExit(Exited(0), XlAround("", 1)).note ==
        "the domain shut down with Xen reason reboot and no exit line");
  CHECK(DecodeXlExit(Exited(0), XlAround("", 4)).kind == GuestExit::Kind::kCrash);
  CHECK(DecodeXlExit(Exited(0), XlAround("", 9)).note ==
        "the domain shut down with Xen reason unknown (9) and no exit line");
  CHECK(XlShutdownReason(XlAround("", 4)) == 4);
  CHECK(XlShutdownReason("nothing\n") == std::nullopt);
}

TEST_CASE("DecodeXlExit: xl's own failures are host errors with their first error line") {
  GuestExit parse = DecodeXlExit(
      Exited(1),
      "Parsing config from /w/x.xl\n/w/x.xl:3: config parsing error near `\"a': lexical error\n");
  CHECK(parse.kind == GuestExit::Kind::kHostError);
  CHECK(parse.note ==
        "xl create exited with status 1 without a domain shutdown: /w/x.xl:3: config parsing "
        "error near `\"a': lexical error");
  GuestExit libxl =
      DecodeXlExit(Exited(3),
                   "Parsing config from /w/x.xl\nlibxl: error: libxl_dom.c:12: xc_dom_parse_image "
                   "failed\nlibxl: error: libxl_create.c:1: cannot (re-)build domain: -3\n");
  CHECK(libxl.note ==
        "xl create exited with status 3 without a domain shutdown: libxl: error: libxl_dom.c:12: "
        "xc_dom_parse_image failed");
  GuestExit destroyed = DecodeXlExit(Exited(0),
                                     "Waiting for domain a (domid 4) to die [pid 1]\nHello\n"
                                     "Domain 4 has been destroyed.\n");
  CHECK(destroyed.kind == GuestExit::Kind::kHostError);
  CHECK(destroyed.note == "the domain was destroyed by someone else while it ran");
  CHECK(DecodeXlExit(Exited(0), "").note ==
        "xl create exited with status 0 without a domain shutdown");
}

TEST_CASE("DecodeXlExit: signals, spawn failures and our own kills") {
  ProcessExit killed;
  killed.kind = ProcessExit::Kind::kSignaled;
  killed.signal = 9;
  CHECK(DecodeXlExit(killed, "EXIT: 0\n").kind == GuestExit::Kind::kHostError);
  CHECK(DecodeXlExit(killed, "").note == "xl create killed by signal 9 (SIGKILL)");
  ProcessExit spawn;
  spawn.kind = ProcessExit::Kind::kSpawnFailed;
  spawn.error = "xl: not found";
  CHECK(DecodeXlExit(spawn, "").kind == GuestExit::Kind::kHostError);
  for (ProcessExit::Kind k :
       {ProcessExit::Kind::kTimedOut, ProcessExit::Kind::kStopped, ProcessExit::Kind::kCancelled}) {
    ProcessExit e;
    e.kind = k;
    CHECK(DecodeXlExit(e, "EXIT: 0\n").kind == GuestExit::Kind::kNone);
  }
}

}  // namespace cirun
