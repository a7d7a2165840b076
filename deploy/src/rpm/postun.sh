# the dumps and keys under /var/lib/vmcored and the vmcored account stay: they are the operator's to delete
systemctl daemon-reload >/dev/null 2>&1 || :
# upgrade: a running service restarts on the new jar (uploads cut by it resume)
if [ "$1" -ge 1 ]; then
    systemctl try-restart vmcored.service >/dev/null 2>&1 || :
fi
exit 0
