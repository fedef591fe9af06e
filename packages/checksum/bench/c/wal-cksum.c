/*
 * SQLite's WAL checksum loop in C: the reference that @litewal/checksum is measured and checked
 * against. Written for litewal after SQLite's walChecksumBytes(): native byte order (little-endian
 * on x86) with the 16-words-per-iteration loop when the length is a multiple of 64, the plain loop
 * otherwise, and the byte-swapping loop for the other byte order. Build with `gcc -O2`.
 *
 *   wal-cksum bench <page|big> <le|be> <rounds>   time it on the shared data pattern; prints JSON
 *   wal-cksum vectors <file> <s1> <s2>             for every length 8, 16, ... up to the file size:
 *                                                   "<length> <le s1> <le s2> <be s1> <be s2>" (hex)
 *
 * Data pattern (shared with bench/measure.mjs): u32 words, little-endian, word i = the (i+1)-th
 * output of xorshift32 (13, 17, 5) from 0x2545F491. "page" cycles over the first 256 pages of
 * 4 KiB, chaining each call from the previous result; "big" is one call over 64 MiB.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE_BYTES 4096
#define PAGES 256
#define BIG_BYTES (64u << 20)

#define BYTESWAP32(x) \
  ((((x)&0x000000FFu) << 24) + (((x)&0x0000FF00u) << 8) + (((x)&0x00FF0000u) >> 8) + (((x)&0xFF000000u) >> 24))

/* native != 0: words in host order (little-endian here); else byte-swapped. nByte % 8 == 0. */
__attribute__((noinline)) static void wal_checksum_bytes(int native, const uint8_t *a, int nByte,
                                                         const uint32_t *aIn, uint32_t *aOut) {
  uint32_t s1, s2;
  const uint32_t *aData = (const uint32_t *)a;
  const uint32_t *aEnd = (const uint32_t *)&a[nByte];
  if (aIn) {
    s1 = aIn[0];
    s2 = aIn[1];
  } else {
    s1 = s2 = 0;
  }
  if (native) {
    if (nByte % 64 == 0) {
      do {
        s1 += *aData++ + s2;
        s2 += *aData++ + s1;
        s1 += *aData++ + s2;
        s2 += *aData++ + s1;
        s1 += *aData++ + s2;
        s2 += *aData++ + s1;
        s1 += *aData++ + s2;
        s2 += *aData++ + s1;
        s1 += *aData++ + s2;
        s2 += *aData++ + s1;
        s1 += *aData++ + s2;
        s2 += *aData++ + s1;
        s1 += *aData++ + s2;
        s2 += *aData++ + s1;
        s1 += *aData++ + s2;
        s2 += *aData++ + s1;
      } while (aData < aEnd);
    } else {
      do {
        s1 += *aData++ + s2;
        s2 += *aData++ + s1;
      } while (aData < aEnd);
    }
  } else {
    do {
      s1 += BYTESWAP32(aData[0]) + s2;
      s2 += BYTESWAP32(aData[1]) + s1;
      aData += 2;
    } while (aData < aEnd);
  }
  aOut[0] = s1;
  aOut[1] = s2;
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void fill_pattern(uint8_t *buf, size_t bytes) {
  uint32_t x = 0x2545F491u;
  for (size_t i = 0; i + 4 <= bytes; i += 4) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    buf[i] = (uint8_t)x;
    buf[i + 1] = (uint8_t)(x >> 8);
    buf[i + 2] = (uint8_t)(x >> 16);
    buf[i + 3] = (uint8_t)(x >> 24);
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int bench(const char *which, const char *order, int rounds) {
  int native = strcmp(order, "le") == 0;
  int big = strcmp(which, "big") == 0;
  uint8_t *buf = aligned_alloc(64, BIG_BYTES);
  if (!buf) return 1;
  fill_pattern(buf, BIG_BYTES);
  uint32_t s[2] = {0, 0};
  uint32_t first[2];
  wal_checksum_bytes(native, buf, big ? (int)BIG_BYTES : PAGE_BYTES, s, first);
  enum { REPS = 7 };
  double per_op[REPS];
  for (int warm = 0; warm < 2; warm++) {
    for (int r = 0; r < REPS; r++) {
      double t0 = now_ns();
      long ops = 0;
      if (big) {
        for (int i = 0; i < rounds; i++, ops++) wal_checksum_bytes(native, buf, (int)BIG_BYTES, s, s);
      } else {
        for (int i = 0; i < rounds; i++)
          for (int p = 0; p < PAGES; p++, ops++) wal_checksum_bytes(native, buf + p * PAGE_BYTES, PAGE_BYTES, s, s);
      }
      per_op[r] = (now_ns() - t0) / (double)ops;
    }
  }
  qsort(per_op, REPS, sizeof per_op[0], cmp_double);
  printf("{\"impl\":\"c\",\"case\":\"%s\",\"order\":\"%s\",\"nsPerOp\":%.3f,\"bytes\":%u,"
         "\"first\":[%u,%u],\"sink\":%u}\n",
         which, order, per_op[REPS / 2], big ? BIG_BYTES : PAGE_BYTES, first[0], first[1], s[0] ^ s[1]);
  free(buf);
  return 0;
}

static int vectors(const char *path, uint32_t s1, uint32_t s2) {
  FILE *f = fopen(path, "rb");
  if (!f) return 1;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = aligned_alloc(64, (size_t)(size + 64) & ~(size_t)63);
  if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) return 1;
  fclose(f);
  uint32_t seed[2] = {s1, s2};
  for (long n = 8; n <= size; n += 8) {
    uint32_t le[2], be[2];
    wal_checksum_bytes(1, buf, (int)n, seed, le);
    wal_checksum_bytes(0, buf, (int)n, seed, be);
    printf("%ld %08x %08x %08x %08x\n", n, le[0], le[1], be[0], be[1]);
  }
  free(buf);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 5 && strcmp(argv[1], "bench") == 0) return bench(argv[2], argv[3], atoi(argv[4]));
  if (argc == 5 && strcmp(argv[1], "vectors") == 0)
    return vectors(argv[2], (uint32_t)strtoul(argv[3], 0, 0), (uint32_t)strtoul(argv[4], 0, 0));
  fprintf(stderr, "usage: wal-cksum bench <page|big> <le|be> <rounds> | vectors <file> <s1> <s2>\n");
  return 2;
}
