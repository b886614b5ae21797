// libFuzzer target: the service config parser on any bytes (config_parsers.h).
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/config_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return cirun::FuzzConfigOnce(cirun::ConfigKind::kService, data, size);
}
