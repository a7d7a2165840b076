#!/usr/bin/env bash
# Builds the images of the kdump-in-guest end-to-end tests into $VMCORED_FIXTURES/agent-e2e/:
#   capture.img  the capture initramfs, made by agent/initramfs/build-capture-initramfs.sh
#                (busybox, makedumpfile, virtio_net, the agent) plus a test-only hook that
#                can send the raw /proc/vmcore to the host
#   first.img    the first kernel's initramfs: busybox, kexec (+ libs), the kernel and
#                capture.img; its /init loads the capture kernel with kexec -p and panics
#   vmlinuz      Debian's kernel (the fixtures' one, fetched with apt-get download)
# Idempotent: rebuilds only when an input is newer. Prints the output directory.
set -euo pipefail

PROG=agent-e2e-images
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AGENT_DIR=$(dirname "$E2E")
REPO=$(dirname "$AGENT_DIR")
FIXTURES_DIR=$REPO/fixtures
CACHE=${VMCORED_FIXTURES:-$REPO/fixtures-cache}
# shellcheck source=../../fixtures/lib.sh
. "$FIXTURES_DIR/lib.sh"

OUT=$CACHE/agent-e2e
mkdir -p "$OUT"
exec 8>"$OUT/.lock"
flock 8

command -v kexec >/dev/null || {
    log "installing kexec-tools"; apt_update_once
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kexec-tools >/dev/null || die "apt-get install kexec-tools failed"
}
ensure_tools
fetch_kernel
KDIR=$CACHE/kernel
MODDIR=$KDIR/root/lib/modules/$KVER

# shellcheck source=lib.sh
. "$E2E/lib.sh"

CAP_INPUTS=("$AGENT_DIR/vmcored-agent" "$AGENT_DIR/initramfs/build-capture-initramfs.sh"
    "$AGENT_DIR/initramfs/capture-init" "$AGENT_DIR/initramfs/udhcpc.script" "$E2E/raw-vmcore-hook"
    "$E2E/build-images.sh" "$KDIR/VERSION")
if newer_than "$OUT/capture.img" "${CAP_INPUTS[@]}"; then
    "$AGENT_DIR/initramfs/build-capture-initramfs.sh" -o "$OUT/capture.img" -k "$KVER" -m "$MODDIR" \
        -n "virtio_pci virtio_net" -x "$(command -v curl)" \
        -f "$E2E/raw-vmcore-hook:/etc/vmcored-post.d/50-raw-vmcore"
fi

if newer_than "$OUT/first.img" "$OUT/capture.img" "$E2E/first-init" "$E2E/build-images.sh" "$E2E/lib.sh"; then
    build_first_initramfs "$OUT/first.img" "$OUT/capture.img" "$KDIR" "$E2E/first-init"
fi
ln -sf "$KDIR/vmlinuz" "$OUT/vmlinuz"
echo "$OUT"
