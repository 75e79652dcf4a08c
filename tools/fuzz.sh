#!/usr/bin/env bash
# Builds and runs mdsens's libFuzzer targets (tools/fuzz/*.swift) for the input parsers.
#
#   tools/fuzz.sh [--seconds N] [--keep-going] [--build-only] [target...] [-- libFuzzer options]
#   tools/fuzz.sh --regress [target...]
#
# Targets: system-file (ParticleSystem.parse(json:)), xyz (ExtendedXYZReader.read, 3D and 2D),
# h5md (raw bytes → H5MDReader.readAll), h5md-struct (well-formed HDF5 files with hostile H5MD
# content built from the fuzz bytes → H5MDReader.readAll). Default: all four, N = 60 s each.
#
# --keep-going  run libFuzzer with -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1, so
#               a long run collects every crash instead of stopping at the first.
# --build-only  build the fuzzers and stop.
# --regress     no fuzzing: replay every input in tools/fuzz/crashes-found/<target>/ once (each in
#               its own process) and print, per input, "ok" or the trap/sanitizer message and the
#               first mdsens stack frame; non-zero exit while any of them still crashes.
#
# The package's modules are built with `swift build -c release -Xswiftc -sanitize=fuzzer,address`
# into .build-fuzz (never .build). Not `--sanitize fuzzer --sanitize address`: SwiftPM passes these as
# two -sanitize= flags and swiftc keeps only the last, so the modules would get no coverage
# instrumentation (the fuzzer then sees only the harness: cov ~40). Each harness is compiled with
# `swiftc -sanitize=fuzzer,address -parse-as-library` (libFuzzer supplies main) and linked against
# the module objects.
# New corpus entries and crash artifacts go to $MDSENS_FUZZ_WORK (default .build-fuzz/work/<target>);
# the committed seed corpus in tools/fuzz/corpus/<target> is only read.
# Exit status: 0 when no target found a crash, 1 when one did (the inputs are listed), 2 on usage
# or build errors.
set -uo pipefail

cd "$(dirname "$0")/.."
root=$PWD
[ -x /opt/swift/usr/bin/swift ] && export PATH=/opt/swift/usr/bin:$PATH

seconds=60
keep_going=0
build_only=0
regress=0
targets=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --seconds=*) seconds="${1#--seconds=}"; shift ;;
    --keep-going) keep_going=1; shift ;;
    --build-only) build_only=1; shift ;;
    --regress) regress=1; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    system-file|xyz|h5md|h5md-struct) targets+=("$1"); shift ;;
    *) echo "tools/fuzz.sh: unknown argument '$1' (targets: system-file xyz h5md h5md-struct)" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(system-file xyz h5md h5md-struct)

build_path=${MDSENS_FUZZ_BUILD_PATH:-$root/.build-fuzz}
work_root=${MDSENS_FUZZ_WORK:-$build_path/work}
modules=$build_path/release

harness() {  # target -> harness file
  case "$1" in
    system-file) echo SystemFileFuzz.swift ;;
    xyz) echo XYZFuzz.swift ;;
    h5md) echo H5MDFuzz.swift ;;
    h5md-struct) echo H5MDStructFuzz.swift ;;
  esac
}
timeout_for() {  # seconds per input; libhdf5 hangs on some corrupted global heaps (see crashes-found)
  case "$1" in
    h5md) echo 3 ;;
    *) echo 10 ;;
  esac
}
max_len() {  # bytes: text formats a few KB, HDF5 files (seeds ~13-28 KB) larger
  case "$1" in
    system-file|xyz) echo 4096 ;;
    h5md) echo 32768 ;;
    h5md-struct) echo 4096 ;;
  esac
}

# 1. The package modules, instrumented. Only Trajectories (and its deps) for the trajectory
#    targets; Simulation (which pulls in Trajectories, Particles, ...) for the system file.
swift_target=Trajectories
module_list=(Trajectories)
for target in "${targets[@]}"; do
  if [ "$target" = system-file ]; then
    swift_target=Simulation
    module_list=(RandomNumbers DualNumbers FourierTransforms Particles Minimization Models Trajectories Simulation)
  fi
done
echo "tools/fuzz.sh: building $swift_target with -sanitize=fuzzer,address into $build_path" >&2
start=$(date +%s)
if ! swift build --build-path "$build_path" -c release --target "$swift_target" -j 2 \
     -Xswiftc -sanitize=fuzzer,address >"$build_path.log" 2>&1; then
  cat "$build_path.log" >&2
  echo "tools/fuzz.sh: swift build failed" >&2
  exit 2
fi

# 2. One fuzzer per target: harness + FuzzSupport.swift + the module objects + C libraries.
# Only the objects of sources that still exist: a build directory kept across checkouts holds the
# objects of deleted files too, whose symbols would clash with their successors'.
objects=()
for module in "${module_list[@]}"; do
  for object in "$modules/$module.build/"*.o; do
    name=$(basename "$object" .swift.o)
    [ -n "$(find "Sources/$module" -name "$name.swift" -print -quit)" ] && objects+=("$object")
  done
done
hdf5_cflags=()
for flag in $(pkg-config --cflags-only-I hdf5); do hdf5_cflags+=(-Xcc "$flag"); done
libs=$(pkg-config --libs hdf5)
[ "$swift_target" = Simulation ] && libs=$(pkg-config --libs hdf5 openblas lapacke fftw3)
mkdir -p "$build_path/bin"
for target in "${targets[@]}"; do
  binary=$build_path/bin/fuzz-$target
  if [ "$target" != system-file ] && [ "$swift_target" = Simulation ]; then
    target_objects=("$modules/Trajectories.build/"*.o)
  else
    target_objects=("${objects[@]}")
  fi
  # shellcheck disable=SC2086
  if ! swiftc -O -sanitize=fuzzer,address -parse-as-library -use-ld=lld \
       -I "$modules/Modules" -Xcc -fmodule-map-file="$root/Sources/CHDF5/module.modulemap" \
       -Xcc -fmodule-map-file="$root/Sources/CFFTW/module.modulemap" "${hdf5_cflags[@]}" \
       tools/fuzz/FuzzSupport.swift "tools/fuzz/$(harness "$target")" "${target_objects[@]}" $libs -lm \
       -o "$binary" 2>"$binary.log"; then
    cat "$binary.log" >&2
    echo "tools/fuzz.sh: linking fuzz-$target failed" >&2
    exit 2
  fi
done
for module in "${module_list[@]}"; do
  if [ "$(nm "$modules/$module.build/"*.o 2>/dev/null | grep -c __sanitizer_cov)" -eq 0 ]; then
    echo "tools/fuzz.sh: $module has no coverage instrumentation (stale $build_path?)" >&2
    exit 2
  fi
done
echo "tools/fuzz.sh: built ${targets[*]} in $(( $(date +%s) - start )) s" >&2
[ $build_only -eq 1 ] && exit 0

# 3. Run each target for the given time, one after the other.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=0:symbolize=1}
# Swift's own crash handler would catch a trap first (and trip ASan reading memory for its
# backtrace, or hang); let libFuzzer's deadly-signal handler report it with an ASan stack.
export SWIFT_BACKTRACE=enable=no
command -v llvm-symbolizer >/dev/null && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer)}
mkdir -p "$work_root"
# Readers that take a path get the fuzz input through a per-process scratch file here.
export MDSENS_FUZZ_TMP=${MDSENS_FUZZ_TMP:-$work_root/tmp}
mkdir -p "$MDSENS_FUZZ_TMP"
trap 'rm -f "$MDSENS_FUZZ_TMP"/mdsens-fuzz-*' EXIT

if [ $regress -eq 1 ]; then
  status=0
  for target in "${targets[@]}"; do
    for input in tools/fuzz/crashes-found/"$target"/*; do
      [ -f "$input" ] || continue
      case "$input" in *.md|*.txt) continue ;; esac
      log=$work_root/replay.log
      "$build_path/bin/fuzz-$target" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 "$input" >"$log" 2>&1
      if [ $? -eq 0 ]; then
        echo "ok     $input"
      else
        status=1
        message=$(grep -a -m1 -E "Fatal error|ERROR: (AddressSanitizer|libFuzzer)|==ERROR" "$log" | sed 's/^==[0-9]*==//')
        frame=$(grep -a -E "^ +#[0-9]+ .* in .*(Trajectories|Simulation|Particles)" "$log" | grep -av -E "fuzz/|LLVMFuzzer" | head -1 | sed 's/^ *//')
        echo "CRASH  $input"
        echo "       ${message:-(see $log)}"
        [ -n "$frame" ] && echo "       $frame"
      fi
    done
  done
  exit $status
fi
status=0
for target in "${targets[@]}"; do
  work=$work_root/$target
  mkdir -p "$work/corpus" "$work/artifacts"
  options=(-max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout="$(timeout_for "$target")"
           -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1
           -artifact_prefix="$work/artifacts/")
  [ -f "tools/fuzz/$target.dict" ] && options+=(-dict="tools/fuzz/$target.dict")
  [ $keep_going -eq 1 ] && options+=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
  before=$(ls "$work/artifacts" | wc -l)
  echo "tools/fuzz.sh: fuzzing $target for $seconds s (log: $work/fuzz.log)" >&2
  "$build_path/bin/fuzz-$target" "${options[@]}" "${extra[@]}" "$work/corpus" "tools/fuzz/corpus/$target" \
    >"$work/fuzz.log" 2>&1
  code=$?
  grep -a -E "^#[0-9]+.*cov: [0-9]+" "$work/fuzz.log" | tail -1 >&2
  grep -a -E "^stat::(number_of_executed_units|average_exec_per_sec)" "$work/fuzz.log" >&2
  new=$(ls -t "$work/artifacts" | head -n $(( $(ls "$work/artifacts" | wc -l) - before )))
  if [ $code -ne 0 ] || [ -n "$new" ]; then
    status=1
    echo "tools/fuzz.sh: $target FAILED (libFuzzer exit $code); crash inputs:" >&2
    for file in $new; do echo "  $work/artifacts/$file"; done
    grep -E "Fatal error|ERROR: (libFuzzer|AddressSanitizer)|SUMMARY" "$work/fuzz.log" | sort | uniq -c | head -20 >&2
    echo "  replay: $build_path/bin/fuzz-$target <input>   (MDSENS_FUZZ_DEBUG=1 prints the reader's verdict)" >&2
  else
    echo "tools/fuzz.sh: $target: no crash" >&2
  fi
done
exit $status
