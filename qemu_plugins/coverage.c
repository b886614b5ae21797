/* coverage: a QEMU TCG plugin that records which guest code a boot ran, for
 * ci-run's coverage-guided fuzzing (docs/fuzzing.md).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 * It is built against QEMU's include/qemu/qemu-plugin.h (GPL-2.0-or-later,
 * Copyright (C) 2017 Emilio G. Cota, 2019 Linaro), fetched from Debian's
 * `qemu` source package by qemu_plugins/fetch-qemu-plugin-header.sh, so it
 * is GPL-2.0-or-later too: a separate shared object that QEMU loads, not
 * linked into ci-run.
 *
 * Usage: qemu-system-x86_64 -plugin PATH/coverage.so,out=FILE[,mode=edges] ...
 *
 * When QEMU exits (the guest's exit, a signal QEMU handles, a QEMU error
 * after start-up), it writes FILE:
 *
 *   ci-run coverage 1 blocks|edges
 *   <hex id>
 *   ...
 *
 * one distinct id a line, in no order. mode=blocks (the default): the guest
 * virtual address of every translation block QEMU translated, which is every
 * block the guest started to run (QEMU translates a block when it is about
 * to run it). It costs one hash-set insertion per translation and nothing
 * while the translated code runs. mode=edges: AFL's edge ids, (previous
 * block >> 1) ^ block folded to 16 bits, recorded by a call on every block
 * executed: finer (the same blocks in another order count), and slower.
 * A QEMU that is killed (SIGKILL) writes nothing.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu/qemu-plugin.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* A set of non-zero 64-bit ids: open addressing, linear probing, grown at
 * half full. Id 0 is stored beside it (0 marks an empty slot). */
struct id_set {
  uint64_t* slots;
  size_t capacity; /* a power of two */
  size_t count;
  int has_zero;
};

static uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

static int id_set_insert(struct id_set* set, uint64_t id);

static int id_set_grow(struct id_set* set) {
  struct id_set bigger = {0};
  bigger.capacity = set->capacity ? 2 * set->capacity : 4096;
  bigger.slots = calloc(bigger.capacity, sizeof(uint64_t));
  if (!bigger.slots) return -1;
  bigger.has_zero = set->has_zero;
  for (size_t i = 0; i < set->capacity; i++)
    if (set->slots[i]) id_set_insert(&bigger, set->slots[i]);
  free(set->slots);
  *set = bigger;
  return 0;
}

static int id_set_insert(struct id_set* set, uint64_t id) {
  if (id == 0) {
    set->has_zero = 1;
    return 0;
  }
  if (2 * (set->count + 1) > set->capacity && id_set_grow(set) != 0) return -1;
  size_t mask = set->capacity - 1;
  for (size_t i = mix(id) & mask;; i = (i + 1) & mask) {
    if (set->slots[i] == id) return 0;
    if (set->slots[i] == 0) {
      set->slots[i] = id;
      set->count++;
      return 0;
    }
  }
}

static struct id_set covered;
static pthread_mutex_t covered_lock = PTHREAD_MUTEX_INITIALIZER;
static char* out_path;
static int edges;

/* Edge mode: the previous block of each vCPU (AFL's prev_location). */
#define MAX_VCPUS 64
static uint64_t previous[MAX_VCPUS];
static uint8_t edge_seen[1 << 16];

static void on_block_run(unsigned int vcpu, void* userdata) {
  uint64_t here = (uint64_t)(uintptr_t)userdata;
  uint64_t* prev = &previous[vcpu % MAX_VCPUS];
  uint64_t folded = mix(here);
  edge_seen[(folded ^ *prev) & 0xffff] = 1;
  *prev = folded >> 1;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  (void)id;
  uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
  if (edges) {
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block_run, QEMU_PLUGIN_CB_NO_REGS,
                                         (void*)(uintptr_t)vaddr);
    return;
  }
  pthread_mutex_lock(&covered_lock);
  id_set_insert(&covered, vaddr);
  pthread_mutex_unlock(&covered_lock);
}

static void write_ids(qemu_plugin_id_t id, void* userdata) {
  (void)id;
  (void)userdata;
  FILE* out = fopen(out_path, "w");
  if (!out) {
    qemu_plugin_outs("coverage: cannot write the coverage file\n");
    return;
  }
  fprintf(out, "ci-run coverage 1 %s\n", edges ? "edges" : "blocks");
  if (edges) {
    for (size_t i = 0; i < sizeof edge_seen; i++)
      if (edge_seen[i]) fprintf(out, "%zx\n", i);
  } else {
    pthread_mutex_lock(&covered_lock);
    if (covered.has_zero) fprintf(out, "0\n");
    for (size_t i = 0; i < covered.capacity; i++)
      if (covered.slots[i]) fprintf(out, "%" PRIx64 "\n", covered.slots[i]);
    pthread_mutex_unlock(&covered_lock);
  }
  fclose(out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc,
                                           char** argv) {
  (void)info;
  for (int i = 0; i < argc; i++) {
    if (strncmp(argv[i], "out=", 4) == 0) {
      out_path = strdup(argv[i] + 4);
    } else if (strcmp(argv[i], "mode=edges") == 0) {
      edges = 1;
    } else if (strcmp(argv[i], "mode=blocks") == 0) {
      edges = 0;
    } else {
      fprintf(stderr, "coverage: unknown argument '%s' (out=FILE, mode=blocks|edges)\n", argv[i]);
      return -1;
    }
  }
  if (!out_path || !*out_path) {
    fprintf(stderr, "coverage: out=FILE is required\n");
    return -1;
  }
  if (!edges && id_set_grow(&covered) != 0) return -1;
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, write_ids, NULL);
  return 0;
}
