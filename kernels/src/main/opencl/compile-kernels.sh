#!/usr/bin/env bash
# Compiles the OpenCL C matmul kernels to the binaries checked in next to them:
#   matmul.spv       SPIR-V, for Level Zero and OpenCL drivers with clCreateProgramWithIL
#   matmul.spir.bc   SPIR 1.2 bitcode (cl_khr_spir) translated back from that SPIR-V, for PoCL 3.1,
#                    so that running it proves the SPIR-V itself computes the right answer.
# Usage: compile-kernels.sh [OUT_DIR]   (default: the resources folder, i.e. refresh the checked-in files)
# Exits 3 (and changes nothing) when clang-15 or llvm-spirv-15 is missing: the checked-in files stay valid.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src_dir="$here/../resources/dev/fastdraft/kernels/opencl"
out_dir="${1:-$src_dir}"
for tool in clang-15 llvm-spirv-15; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "compile-kernels: $tool not found (Debian: apt-get install clang-15 llvm-spirv-15); keeping the checked-in binaries" >&2
    exit 3
  fi
done
mkdir -p "$out_dir"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# -O0 without optnone: llvm-spirv 15 cannot translate the 'freeze' instructions that -O1 and above
# create, and every consumer (IGC, PoCL's LLVM) optimises the kernels itself anyway.
clang-15 -cl-std=CL1.2 -target spir64 -O0 -Xclang -disable-O0-optnone -Xclang -finclude-default-header \
  -emit-llvm -c "$src_dir/matmul.cl" -o "$tmp/matmul.bc"
llvm-spirv-15 "$tmp/matmul.bc" -o "$out_dir/matmul.spv"
llvm-spirv-15 -r "$out_dir/matmul.spv" -o "$out_dir/matmul.spir.bc"
echo "compile-kernels: wrote $out_dir/matmul.spv and $out_dir/matmul.spir.bc"
