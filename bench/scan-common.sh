# Shared by bench/scan-mail.sh and bench/scan-docs.sh (sourced, not run).

# The smaller of two numbers, either possibly empty.
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }

# The digests every object gets (md5, sha1, sha256) over the input files at
# $1 alone, on one core: a floor under the full scan, whatever else it
# does, against the time a scan 20x the peer ($3, which took $2 s) may take.
hash_floor() {
  local md5 sha1 sha256
  read -r _ _ md5 sha1 sha256 \
    < <(taskset -c 0 "$CARGO_TARGET_DIR/release/examples/hash_rate" "$1")
  awk -v m="$md5" -v s1="$sha1" -v s2="$sha256" -v peer="$2" -v name="$3" 'BEGIN {
    h = m + s1 + s2
    printf "hashing the input files alone (md5 %.3f + sha1 %.3f + sha256 %.3f s): %.3f s,\n", m, s1, s2, h
    printf "  %.0f%% of the time a scan 20x %s may take (%.3f s)\n", h / (peer / 20) * 100, name, peer / 20
  }'
}
