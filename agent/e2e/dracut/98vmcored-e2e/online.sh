#!/bin/sh
# initqueue/online hook (sourced by dracut for each interface that comes up): once.
if [ ! -e /tmp/vmcored-e2e.started ]; then
    : > /tmp/vmcored-e2e.started
    # the test's vmcored.NAME=VALUE words (server, port, host, ...) as config lines; a
    # later line wins in the agent's parser. The generic image's own words are skipped.
    for arg in $(cat /proc/cmdline); do
        case "$arg" in
            vmcored.ip=*|vmcored.gw=*|vmcored.iface=*) ;;
            vmcored.*=*) echo "${arg#vmcored.}" >> /etc/vmcored-agent.conf ;;
        esac
    done
    /usr/lib/vmcored/kdump-pre > /dev/console 2>&1
    echo "VMCORED-AGENT-EXIT rc=$?" > /dev/console
    sh /etc/vmcored-post.d/50-raw-vmcore
    reboot -f
fi
