#!/usr/bin/env bash
# The same service scenario on one machine: SQLite and one `ci-run serve`
# running the jobs itself (killed with SIGKILL mid-boot and started again).
# See service.inc.
MODE=sqlite
source "$(dirname "$0")/service.inc"
