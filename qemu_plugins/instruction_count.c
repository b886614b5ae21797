/* instruction_count: a QEMU TCG plugin that counts the guest instructions
 * executed and, when QEMU exits, prints one line on QEMU's stderr:
 *
 *   METRIC instructions=N count
 *
 * ci-run reads it from the console like any METRIC line a unikernel prints.
 * The count is exact and the same on every run of an image only when QEMU
 * runs one vCPU deterministically (-icount shift=0,sleep=off, as ci-run's
 * `bench: clock: instructions` does): the counter is one plain uint64_t.
 *
 * Usage: qemu-system-x86_64 -plugin PATH/instruction_count.so ...
 *
 * The declarations below are the few parts of QEMU's plugin API this plugin
 * uses, declared here as QEMU 7.2's include/qemu/qemu-plugin.h declares
 * them (plugin API version 1). That header is GPL-2.0-or-later (Copyright
 * (C) 2017 Emilio G. Cota, 2019 Linaro); nothing else of QEMU is used.
 * Later QEMUs (API version 2) removed qemu_plugin_register_vcpu_tb_exec_inline.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t; /* only passed through here */
struct qemu_plugin_tb;

enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 = 0 };

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb* tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void* userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb* tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb* tb, enum qemu_plugin_op op,
                                              void* ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void* userdata);
void qemu_plugin_outs(const char* string);

/* The API version this plugin was written against; QEMU refuses a plugin
 * whose version it does not support. */
QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

/* Instructions executed so far. One plain counter: exact with one vCPU. */
static uint64_t executed;

/* When QEMU translates a block, it adds code that adds the block's length
 * to `executed` each time the block runs. */
static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &executed,
                                           qemu_plugin_tb_n_insns(tb));
}

static void print_count(qemu_plugin_id_t id, void* userdata) {
  char line[64];
  snprintf(line, sizeof line, "METRIC instructions=%" PRIu64 " count\n", executed);
  qemu_plugin_outs(line);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc,
                                           char** argv) {
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, print_count, NULL);
  return 0;
}
