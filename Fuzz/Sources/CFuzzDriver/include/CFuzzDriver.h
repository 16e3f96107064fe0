#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, for programs that have their own main (SwiftPM gives every executable one).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

/// The main of every fuzz target: runs libFuzzer's driver over `callback`.
int klynge_fuzz_main(int argc, char **argv, int (*callback)(const uint8_t *data, size_t size));
