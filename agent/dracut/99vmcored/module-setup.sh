#!/bin/bash
# dracut module "vmcored": puts vmcored-agent, its configuration and the tools it needs
# into the kdump initramfs and makes dracut bring the network up. Used with RHEL/Fedora
# kdump as a kdump_pre hook (see docs/agent.md):
#   /etc/kdump.conf:  kdump_pre /usr/lib/vmcored/kdump-pre
#                     dracut_args --add vmcored
# The hook uploads the dump; when vmcored confirms it, the hook exits non-zero so kdump
# skips its own dump and runs its final action; otherwise kdump dumps to its own target.
#
# Where the files come from (environment of dracut/kdumpctl, for staging or tests):
#   VMCORED_SRC   directory with vmcored-agent and kdump-pre (default /usr/lib/vmcored)
#   VMCORED_CONF  the agent's configuration (default /etc/vmcored-agent.conf)
#   VMCORED_DRACUT_IP  the ip= argument for the capture kernel (default ip=dhcp)
# In the image they are always /usr/lib/vmcored/{vmcored-agent,kdump-pre} and
# /etc/vmcored-agent.conf, the paths the hook and the agent use.

check() {
    # makedumpfile, and the network module (Debian/Ubuntu: package dracut-network)
    require_binaries makedumpfile || return 1
    # only when asked for (dracut_args --add vmcored)
    return 255
}

depends() {
    echo network
    return 0
}

# conf_value NAME: NAME's value in the agent's configuration, read as the agent reads it
# ("name=value", "-" or "_", a "# comment" after the value, optional double quotes)
conf_value() {
    local conf=${VMCORED_CONF:-/etc/vmcored-agent.conf} n=${1//-/[-_]}
    [[ -f $conf ]] || return 0
    sed -n "s/^[[:space:]]*$n[[:space:]]*=[[:space:]]*//p" "$conf" | tail -n 1 \
        | sed 's/[[:space:]][[:space:]]*#.*$//; s/[[:space:]]*$//; s/^"\(.*\)"$/\1/'
}

install() {
    local src=${VMCORED_SRC:-/usr/lib/vmcored} conf=${VMCORED_CONF:-/etc/vmcored-agent.conf} f
    inst_simple "$src/vmcored-agent" /usr/lib/vmcored/vmcored-agent || return 1
    inst_simple "$src/kdump-pre" /usr/lib/vmcored/kdump-pre || return 1
    if [[ -f $conf ]]; then
        inst_simple "$conf" /etc/vmcored-agent.conf
    else
        dwarning "vmcored: no $conf; the agent in this image has no server to send to"
    fi
    # the agent's tools (coreutils or busybox; nc: RHEL's nmap-ncat half-closes at the end
    # of its input as busybox nc does); kill is a shell builtin, the rest only when present
    inst_multiple makedumpfile sh nc tail head sed tr awk sleep mkfifo cat rm mkdir date wc cp mv sync || return 1
    inst_multiple -o curl ssh wget ip hostname kill
    # ssh transport: the client key and the collector's host key (StrictHostKeyChecking=yes),
    # only when a transport in the configuration is ssh (no private key in images without)
    if [[ "$(conf_value transport) $(conf_value fallback-transport)" == *ssh* ]]; then
        f=$(conf_value ssh-key)
        [[ -n $f ]] || f=/root/.ssh/kdump_id_rsa
        if [[ -f $f ]]; then inst_simple "$f"; else dwarning "vmcored: ssh key $f not found"; fi
        f=$(conf_value ssh-known-hosts)
        [[ -n $f ]] || f=/root/.ssh/known_hosts
        if [[ -f $f ]]; then inst_simple "$f"; else dwarning "vmcored: ssh known_hosts $f not found"; fi
    fi
    # the network must come up even when kdump's own target is local
    mkdir -p "$initdir/etc/cmdline.d"
    echo "rd.neednet=1 ${VMCORED_DRACUT_IP:-ip=dhcp}" > "$initdir/etc/cmdline.d/95vmcored.conf"
    return 0
}
