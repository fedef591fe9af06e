/*
 * Test helper: XXH3-128 and XXH64 from the system's libxxhash (Debian libxxhash0, the library behind
 * xxhsum), declared here because the -dev headers are not installed. Link with -l:libxxhash.so.0.
 *
 *   xxhash-ref <file> <xxh64 seed> <length>...   prints "<length> <XXH3-128 canonical hex> <XXH64 hex>"
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  uint64_t low64;
  uint64_t high64;
} XXH128_hash_t;
XXH128_hash_t XXH3_128bits(const void *data, size_t len);
uint64_t XXH64(const void *data, size_t len, uint64_t seed);

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 1;
  static unsigned char buf[1 << 20];
  size_t size = fread(buf, 1, sizeof buf, f);
  fclose(f);
  uint64_t seed = strtoull(argv[2], 0, 0);
  for (int i = 3; i < argc; i++) {
    size_t len = strtoul(argv[i], 0, 0);
    if (len > size) return 1;
    XXH128_hash_t h = XXH3_128bits(buf, len);
    printf("%zu %016" PRIx64 "%016" PRIx64 " %016" PRIx64 "\n", len, h.high64, h.low64, XXH64(buf, len, seed));
  }
  return 0;
}
