#!/usr/bin/env bash
# Builds the libFuzzer targets (FATHOM_FUZZ=1, -sanitize=fuzzer,address) and runs each for SECONDS
# on the seed corpus made from the fixtures plus the corpus earlier runs grew. A crash, a hang
# (10 s for one input) or memory past 2.5 GB fails the run; the input that did it is printed in
# base64 (the CI log keeps it) and stays in .build-fuzz/artifacts/.
#   Fuzz/run.sh SECONDS FIXTURES [TARGET...]
set -u
cd "$(dirname "$0")/.."
seconds=${1:-60}; fixtures=${2:-../shared/fixtures}; shift 2 || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzArchive FuzzLayer FuzzDocuments FuzzConfig FuzzRegistry FuzzRegex)
scratch=.build-fuzz
mkdir -p "$scratch"
for t in "${targets[@]}"; do
  FATHOM_FUZZ=1 swift build -c release --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing \
    --product "$t" >"$scratch/build.log" 2>&1 || { cat "$scratch/build.log" | grep -E "error" | head -20; echo "FAIL building $t"; exit 1; }
done
bin=$(FATHOM_FUZZ=1 swift build -c release --scratch-path "$scratch" --show-bin-path)
rm -rf "$scratch/seeds"
python3 Fuzz/make_corpus.py "$fixtures" "$scratch/seeds" || exit 1
mkdir -p "$scratch/artifacts"
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$scratch/corpus/$t" "$scratch/seeds/$t"
  log=$scratch/$t.log
  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "$bin/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 \
    -max_len=131072 -print_final_stats=1 -artifact_prefix="$scratch/artifacts/$t-" \
    "$scratch/corpus/$t" "$scratch/seeds/$t" >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ $rc -eq 0 ]; then
    echo "ok   $t: ${runs:-?} executions in ${seconds} s, ${cov:-cov ?}, corpus $(ls "$scratch/corpus/$t" | wc -l)"
  else
    failed=$((failed + 1))
    echo "FAIL $t (exit $rc):"
    grep -E "ERROR|SUMMARY|==[0-9]+==|Fatal error|#[0-9]+ 0x" "$log" | head -30 | sed 's/^/    | /'
    for a in $(grep -o "artifact_prefix='[^']*'; Test unit written to [^ ]*" "$log" | awk '{print $NF}'); do
      echo "    | input ($a), base64:"
      base64 -w 100 "$a" | head -200 | sed 's/^/    | /'
      echo "    | reproduce: $bin/$t $a"
    done
  fi
done
[ $failed -eq 0 ]
