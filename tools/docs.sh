#!/usr/bin/env bash
# Builds the DocC documentation of every library module with the toolchain's own tools, no Swift
# package plugin: `swift build` for the module interfaces, `swift-symbolgraph-extract` for the
# public symbols, `docc convert` with each module's catalog (Sources/<Module>/<Module>.docc).
#
#   bash tools/docs.sh [--warnings-as-errors] [MODULE ...]
#
# Archives go to .build/docs/<Module>.doccarchive (static hosting layout: open
# .build/docs/<Module>.doccarchive/index.html through any web server). Exits non-zero when a module
# fails to build, has no catalog, or, with --warnings-as-errors, when DocC warns (an unresolved
# symbol link, a missing article, …). Needs the system libraries (tools/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

strict=()
modules=()
for argument in "$@"; do
  case "$argument" in
    --warnings-as-errors) strict=(--warnings-as-errors) ;;
    -*) echo "tools/docs.sh: unknown option $argument" >&2; exit 2 ;;
    *) modules+=("$argument") ;;
  esac
done
if [ ${#modules[@]} -eq 0 ]; then
  modules=(RandomNumbers DualNumbers LinearAlgebra ImplicitDifferentiation FourierTransforms Particles Minimization Models
           Trajectories Simulation Sensitivity Relaxation Analysis BilevelExamples Ensembles EnsembleMPI)
fi

triple=$(swift -print-target-info | sed -nE 's/.*"triple": "([^"]+)".*/\1/p' | head -n 1)
build=.build/debug
output=.build/docs
mkdir -p "$output" .build/symbol-graphs

# The C modules' headers: module maps under Sources/C*, HDF5's and MPICH's headers from pkg-config.
c_flags=()
for map in Sources/C*/module.modulemap; do c_flags+=(-Xcc "-fmodule-map-file=$map"); done
for include in $(pkg-config --cflags-only-I hdf5 mpich 2>/dev/null); do c_flags+=(-Xcc "$include"); done

failed=0
for module in "${modules[@]}"; do
  catalog="Sources/$module/$module.docc"
  if [ ! -d "$catalog" ]; then
    echo "tools/docs.sh: $module has no catalog $catalog" >&2
    failed=1
    continue
  fi
  swift build --target "$module" >/dev/null
  graphs=".build/symbol-graphs/$module"
  rm -rf "$graphs" && mkdir -p "$graphs"
  swift-symbolgraph-extract -module-name "$module" -target "$triple" -I "$build/Modules" \
    "${c_flags[@]}" -minimum-access-level public -skip-synthesized-members -output-dir "$graphs"
  log=$(mktemp)
  if docc convert "$catalog" --additional-symbol-graph-dir "$graphs" --output-path "$output/$module.doccarchive" \
      --fallback-display-name "$module" --fallback-bundle-identifier "org.mdsens.$module" \
      --transform-for-static-hosting "${strict[@]}" >"$log" 2>&1; then
    warnings=$(grep -c "warning:" "$log" || true)
    echo "tools/docs.sh: $module: $output/$module.doccarchive ($warnings warnings)"
    [ "$warnings" -eq 0 ] || cat "$log" >&2
  else
    echo "tools/docs.sh: $module: docc failed" >&2
    cat "$log" >&2
    failed=1
  fi
  rm -f "$log"
done
exit "$failed"
