#!/usr/bin/env bash
# Builds the images of the dracut e2e test into $VMCORED_FIXTURES/agent-e2e/:
#   dracut-capture.img  a capture initramfs made by the real dracut (no systemd, dracut's
#                       network-legacy: dhclient) with agent/dracut/99vmcored and the
#                       test-only agent/e2e/dracut/98vmcored-e2e (runs the kdump_pre hook
#                       once the network is online, as RHEL's kdumpbase would)
#   dracut-first.img    the first kernel's initramfs (agent/e2e/first-init) carrying it
# dracut runs from a private copy of its module directory: nothing is installed on the
# host. Kernel modules: only virtio networking, from the fixture kernel (depmod on a
# hard-linked copy). Idempotent: rebuilds only when an input is newer. Prints the directory.
set -euo pipefail

PROG=agent-e2e-dracut
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AGENT_DIR=$(dirname "$E2E")
REPO=$(dirname "$AGENT_DIR")
CACHE=${VMCORED_FIXTURES:-$REPO/fixtures-cache}
# shellcheck source=../../fixtures/lib.sh
. "$REPO/fixtures/lib.sh"

OUT=$CACHE/agent-e2e
mkdir -p "$OUT"
exec 8>"$OUT/.dracut-lock"
flock 8

for t in dracut depmod kexec cpio gzip busybox; do
    command -v "$t" >/dev/null || die "$t is not installed"
done
[ -d /usr/lib/dracut/modules.d/35network-legacy ] || die "dracut's network-legacy module is missing (apt-get install dracut-network)"
fetch_kernel
KDIR=$CACHE/kernel
SRC_MODS=$KDIR/root/lib/modules/$KVER

# shellcheck source=lib.sh
. "$E2E/lib.sh"

INPUTS=("$AGENT_DIR/vmcored-agent" "$AGENT_DIR"/dracut/99vmcored/* "$E2E"/dracut/98vmcored-e2e/*
    "$E2E/raw-vmcore-hook" "$E2E/build-dracut-images.sh" "$KDIR/VERSION")
if newer_than "$OUT/dracut-capture.img" "${INPUTS[@]}"; then
    tmp=$(mktemp -d "$OUT/dracut.tmp.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    # dracut's own files plus our two modules
    mkdir -p "$tmp/base/modules.d"
    for e in /usr/lib/dracut/*; do [ "${e##*/}" = modules.d ] || ln -s "$e" "$tmp/base/"; done
    for m in /usr/lib/dracut/modules.d/*; do ln -s "$m" "$tmp/base/modules.d/"; done
    ln -s "$AGENT_DIR/dracut/99vmcored" "$tmp/base/modules.d/99vmcored"
    ln -s "$E2E/dracut/98vmcored-e2e" "$tmp/base/modules.d/98vmcored-e2e"
    # the installed layout of docs/agent.md
    mkdir -p "$tmp/src"
    install -m755 "$AGENT_DIR/vmcored-agent" "$AGENT_DIR/dracut/99vmcored/kdump-pre" "$tmp/src/"
    printf 'server=10.0.2.2\ntransport=tcp\nhost=dracut-guest\nretries=8\n' > "$tmp/vmcored-agent.conf"
    # virtio networking only (all of drivers/net would not fit a small crashkernel)
    M=$tmp/mods/lib/modules/$KVER
    mkdir -p "$M"
    cp -a "$SRC_MODS"/modules.builtin* "$SRC_MODS/modules.order" "$M/"
    for m in virtio_net virtio_pci virtio_ring virtio net_failover failover virtio_pci_modern_dev virtio_pci_legacy_dev; do
        f=$(find "$SRC_MODS/kernel" -name "$m.ko*" | head -n 1)
        [ -n "$f" ] || continue # built in
        mkdir -p "$(dirname "$M/${f#"$SRC_MODS"/}")"
        ln "$f" "$M/${f#"$SRC_MODS"/}" 2>/dev/null || cp "$f" "$M/${f#"$SRC_MODS"/}"
    done
    depmod -b "$tmp/mods" "$KVER" || die "depmod failed"
    : > "$tmp/dracut.conf"
    mkdir -p "$tmp/conf.d"
    dracutbasedir=$tmp/base VMCORED_SRC=$tmp/src VMCORED_CONF=$tmp/vmcored-agent.conf \
        VMCORED_E2E_RAW_HOOK=$E2E/raw-vmcore-hook \
        dracut --conf "$tmp/dracut.conf" --confdir "$tmp/conf.d" --no-hostonly --no-hostonly-cmdline \
            -m "bash base rootfs-block network-legacy vmcored vmcored-e2e" \
            --omit "systemd systemd-networkd network-manager" --add-drivers virtio_pci \
            --kmoddir "$M" --kver "$KVER" -f "$tmp/capture.img" > "$tmp/dracut.log" 2>&1 \
        || die "dracut failed: $(tail -n 5 "$tmp/dracut.log")"
    mv "$tmp/capture.img" "$OUT/dracut-capture.img"
    rm -rf "$tmp"
    trap - EXIT
    log "built $OUT/dracut-capture.img ($(stat -c %s "$OUT/dracut-capture.img") bytes)"
fi

if newer_than "$OUT/dracut-first.img" "$OUT/dracut-capture.img" "$E2E/first-init" "$E2E/build-dracut-images.sh" "$E2E/lib.sh"; then
    build_first_initramfs "$OUT/dracut-first.img" "$OUT/dracut-capture.img" "$KDIR" "$E2E/first-init"
fi
ln -sf "$KDIR/vmlinuz" "$OUT/vmlinuz"
echo "$OUT"
