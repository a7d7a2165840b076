#!/bin/sh
# Starts vmcored in a container. Its configuration is built in a 0600 file the server reads with
# --config, in this order (a later key wins):
#   1. the container's layout: bind = 0.0.0.0, spool and state on their volumes
#   2. /etc/vmcored/vmcored.properties, if mounted (any setting, tokens too)
#   3. tokens from the environment or from mounted secret files:
#        VMCORED_OPERATOR_TOKEN or VMCORED_OPERATOR_TOKEN_FILE  -> auth.operator-token
#        VMCORED_UPLOAD_TOKEN   or VMCORED_UPLOAD_TOKEN_FILE    -> auth.upload-token
# The variables are removed before the JVM starts: no token on the server's command line or in
# its environment, where `ps` and /proc would show them. Off loopback the server refuses to start
# without an operator token, naming the setting.
set -eu
umask 077

jar=${VMCORED_JAR:-/usr/lib/vmcored/vmcored.jar}
mounted=${VMCORED_CONFIG:-/etc/vmcored/vmcored.properties}
dir=${VMCORED_LIB:-/var/lib/vmcored}
conf=$(mktemp "${TMPDIR:-/tmp}/vmcored.XXXXXX")

# KEY VALUE as a properties line (backslashes escaped; tokens are one line)
prop() {
    printf '%s = %s\n' "$1" "$(printf '%s' "$2" | sed 's/\\/\\\\/g')"
}

# KEY NAME: the value of $NAME, else the contents of the file $NAME_FILE names
token() {
    eval "value=\${$2:-}"
    eval "file=\${$2_FILE:-}"
    if [ -z "$value" ] && [ -n "$file" ]; then
        [ -r "$file" ] || { echo "vmcored: $2_FILE=$file: not readable" >&2; exit 1; }
        value=$(cat "$file")
    fi
    if [ -n "$value" ]; then
        prop "$1" "$value"
    fi
}

{
    prop bind "${VMCORED_BIND:-0.0.0.0}"
    prop spool.dir "$dir/spool"
    prop state.dir "$dir/state"
    if [ -f "$mounted" ]; then
        cat "$mounted"
        echo
    fi
    token auth.operator-token VMCORED_OPERATOR_TOKEN
    token auth.upload-token VMCORED_UPLOAD_TOKEN
} > "$conf"
unset VMCORED_OPERATOR_TOKEN VMCORED_OPERATOR_TOKEN_FILE VMCORED_UPLOAD_TOKEN VMCORED_UPLOAD_TOKEN_FILE value file

# JNA unpacks its native part into jna.tmpdir (the home directory is not writable)
exec java -Djna.tmpdir="${TMPDIR:-/tmp}" ${JAVA_OPTS:-} -jar "$jar" serve --config "$conf" "$@"
