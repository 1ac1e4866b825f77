/* pcrebench: time each PCRE2 pattern (JIT, byte mode) over every line of a file.
 * usage: pcrebench PATTERNS_FILE SUBJECT_FILE   (PATTERNS_FILE: name<TAB>regex per line)
 * build: cc -O2 -o pcrebench pcrebench.c $(pkg-config --cflags --libs libpcre2-8) */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *slurp(const char *p, size_t *n) {
  FILE *f = fopen(p, "rb"); if (!f) { perror(p); exit(2); }
  fseek(f, 0, SEEK_END); *n = ftell(f); fseek(f, 0, SEEK_SET);
  char *b = malloc(*n + 1); if (fread(b, 1, *n, f) != *n) exit(2); b[*n] = 0; fclose(f); return b;
}
int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s PATTERNS SUBJECTS\n", argv[0]); return 2; }
  size_t pn, sn; char *pb = slurp(argv[1], &pn), *sb = slurp(argv[2], &sn);
  size_t cap = 1 << 20, nl = 0; char **ls = malloc(cap * sizeof *ls); size_t *ll = malloc(cap * sizeof *ll);
  for (char *s = sb; s < sb + sn;) { char *e = memchr(s, '\n', sb + sn - s); if (!e) e = sb + sn;
    if (nl < cap) { ls[nl] = s; ll[nl] = e - s; nl++; } s = e + 1; }
  double total = 0;
  for (char *line = strtok(pb, "\n"); line; line = strtok(NULL, "\n")) {
    char *tab = strchr(line, '\t'); if (!tab) continue; *tab = 0; char *re = tab + 1;
    int err; PCRE2_SIZE off;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
    if (!c) { PCRE2_UCHAR m[256]; pcre2_get_error_message(err, m, sizeof m);
      printf("%-32s COMPILE ERROR at %zu: %s\n", line, (size_t)off, m); continue; }
    int jit = pcre2_jit_compile(c, PCRE2_JIT_COMPLETE) == 0;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
    struct timespec a, b; long hits = 0; clock_gettime(CLOCK_MONOTONIC, &a);
    for (int rep = 0; rep < 5; rep++)
      for (size_t i = 0; i < nl; i++) hits += pcre2_match(c, (PCRE2_SPTR)ls[i], ll[i], 0, 0, md, NULL) >= 0;
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (5.0 * nl);
    total += ns;
    printf("%-32s %7.1f ns/line  hits=%ld jit=%d\n", line, ns, hits / 5, jit);
    pcre2_match_data_free(md); pcre2_code_free(c);
  }
  printf("%-32s %7.1f ns/line (all patterns, every line, no prefilter) over %zu lines\n", "TOTAL", total, nl);
  return 0;
}
