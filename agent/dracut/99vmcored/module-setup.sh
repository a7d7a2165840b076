#!/bin/bash
# dracut module "vmcored": puts vmcored-agent, its configuration and the tools it needs
# into the kdump initramfs and makes dracut bring the network up. Used with RHEL/Fedora
# kdump as a kdump_pre hook (see docs/agent.md):
#   /etc/kdump.conf:  kdump_pre /usr/lib/vmcored/kdump-pre
#                     dracut_args --add vmcored
# The hook uploads the dump; when vmcored confirms it, the hook exits non-zero so kdump
# skips its own dump and runs its final action; otherwise kdump dumps to its own target.

check() {
    require_binaries makedumpfile || return 1
    # only when asked for (dracut_args --add vmcored)
    return 255
}

depends() {
    echo network
    return 0
}

install() {
    inst_simple /usr/lib/vmcored/vmcored-agent /usr/lib/vmcored/vmcored-agent
    inst_simple /usr/lib/vmcored/kdump-pre /usr/lib/vmcored/kdump-pre
    [ -f /etc/vmcored-agent.conf ] && inst_simple /etc/vmcored-agent.conf
    # the agent's tools (busybox applets or coreutils/ncat on RHEL); curl/ssh when present
    inst_multiple makedumpfile sh nc tail head sed tr awk sleep mkfifo cat rm mkdir date wc kill ip hostname
    inst_multiple -o curl ssh
    for key in $(sed -n 's/^[[:space:]]*ssh[-_]key[[:space:]]*=[[:space:]]*//p' /etc/vmcored-agent.conf 2>/dev/null); do
        [ -f "$key" ] && inst_simple "$key"
    done
    # the network must come up even when kdump's own target is local
    mkdir -p "$initdir/etc/cmdline.d"
    echo "rd.neednet=1 ${VMCORED_DRACUT_IP:-ip=dhcp}" > "$initdir/etc/cmdline.d/95vmcored.conf"
}
