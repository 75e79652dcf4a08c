#!/usr/bin/env bash
# Installs the system libraries mdsens links against (Debian packages), only when missing.
# Idempotent: a second run does nothing. A first apt-get can fail with a transient dpkg error,
# so every install is tried twice.
set -euo pipefail

packages=(libopenblas-dev liblapacke-dev libfftw3-dev libhdf5-dev hdf5-tools pkg-config)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "tools/setup.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq || $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "tools/setup.sh: swift is at /opt/swift/usr/bin; add it to PATH" >&2
  else
    echo "tools/setup.sh: no Swift toolchain found (Swift 6.3 expected at /opt/swift)" >&2
    exit 1
  fi
fi
