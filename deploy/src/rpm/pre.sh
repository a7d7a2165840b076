# the service's account, before the files it owns are laid down (sysusers.d/vmcored.conf says the same)
getent group vmcored >/dev/null || groupadd -r vmcored
getent passwd vmcored >/dev/null || useradd -r -g vmcored -d /var/lib/vmcored -s /sbin/nologin \
    -c "vmcored crash-dump collector" vmcored
exit 0
