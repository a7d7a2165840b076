# spool and state, 0700 and the service's own (tmpfiles.d/vmcored.conf)
systemd-tmpfiles --create vmcored.conf >/dev/null 2>&1 || \
    install -d -m 0700 -o vmcored -g vmcored /var/lib/vmcored /var/lib/vmcored/spool /var/lib/vmcored/state
# known to systemd, enabled only by the administrator (systemctl enable --now vmcored)
if [ "$1" -eq 1 ]; then
    systemctl --no-reload preset vmcored.service >/dev/null 2>&1 || :
fi
systemctl daemon-reload >/dev/null 2>&1 || :
exit 0
