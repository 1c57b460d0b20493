#!/usr/bin/env bash
# One prepared GPU run of webgpu-check.mjs (see webgpu-check.ts). Needs, carried from the workstation: the
# bundle apps/trainer/node_modules/.cache/device/webgpu-check.mjs, and the repository's .device/ (node.xz, the
# `webgpu` package with dawn.node.xz) and .gl/ (Vulkan loader packages) kits described in shared/gpu/README.md.
set -u
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
cd "$root/.device"
nvidia-smi -L || true
if ! ldconfig -p | grep -q libvulkan; then for f in ../.gl/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
[ -x ./node ] || { xz -dkc node.xz > node && chmod +x node; }
[ -f node_modules/webgpu/dist/linux-x64/dawn.node ] || xz -dk node_modules/webgpu/dist/linux-x64/dawn.node.xz
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$VK_DRIVER_FILES" ] || unset VK_DRIVER_FILES
export WEBGPU_MODULE="file://$root/.device/node_modules/webgpu/index.js"
timeout "${CHECK_TIMEOUT:-200}" ./node "$root/apps/trainer/node_modules/.cache/device/webgpu-check.mjs" webgpu 2>&1 \
  | grep -v "^Hi, looks like\|^=====\|^$" | tee "${OUT:-/tmp}/trainer-webgpu-check.jsonl"
