#!/usr/bin/env bash
# The service on PostgreSQL: a throwaway cluster on loopback, `ci-run serve`
# and two `ci-run worker` processes; signed GitHub deliveries; commit statuses
# to a stand-in GitHub API; /metrics; a worker killed with SIGKILL mid-boot.
# See service.inc.
MODE=postgres
source "$(dirname "$0")/service.inc"
