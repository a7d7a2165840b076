# erase (not upgrade): stop and disable the service
if [ "$1" -eq 0 ]; then
    systemctl --no-reload disable --now vmcored.service >/dev/null 2>&1 || :
fi
exit 0
