#!/bin/bash
# Test-only dracut module of the e2e tests (agent/e2e/build-dracut-images.sh), never for
# production: stands in for RHEL's kdumpbase, which calls the kdump_pre hook in the capture
# kernel. Once dracut's network is online it runs /usr/lib/vmcored/kdump-pre (the 99vmcored
# module's hook, unchanged), prints its status for the test, optionally sends the raw
# /proc/vmcore to the host (agent/e2e/raw-vmcore-hook) and reboots.

check() {
    return 255
}

depends() {
    echo vmcored
    return 0
}

install() {
    inst_hook initqueue/online 99 "$moddir/online.sh"
    inst_simple "${VMCORED_E2E_RAW_HOOK:?set by build-dracut-images.sh}" /etc/vmcored-post.d/50-raw-vmcore
    inst_multiple stat reboot
    # kdump passes the first kernel's root=; without one dracut refuses to start. This one
    # never appears, so dracut waits (rd.retry) while the online hook runs.
    mkdir -p "$initdir/etc/cmdline.d"
    echo "root=LABEL=vmcored-e2e-none rd.retry=120" > "$initdir/etc/cmdline.d/98vmcored-e2e.conf"
}
