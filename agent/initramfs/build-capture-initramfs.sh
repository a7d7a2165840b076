#!/bin/sh
# Builds a minimal kdump capture initramfs around vmcored-agent, for fleets that have
# neither dracut's kdump module nor Debian's kdump-tools: static busybox, makedumpfile
# and its shared libraries, the network drivers (with their dependencies) and an /init
# that brings the network up, runs the agent and reboots. Load it with
#   kexec -p /boot/vmlinuz-$(uname -r) --initrd=capture.img \
#         --append="console=ttyS0 irqpoll nr_cpus=1 reset_devices"
# Needs on the build host: sh, cpio, gzip, ldd, busybox (static); xz/zstd only when the
# modules are compressed. No modprobe/depmod: dependencies are read from each module's
# own .modinfo "depends=" field, so a bare unpacked /lib/modules tree is enough.
#
# usage: build-capture-initramfs.sh -o capture.img [options]
#   -o FILE            output initramfs (gzip'd newc cpio)
#   -k KVER            kernel version (default: uname -r)
#   -m DIR             modules directory (default: /lib/modules/KVER)
#   -n "MOD ..."       network modules (default: virtio_pci virtio_net e1000 e1000e
#                      vmxnet3 ixgbe igb bnxt_en mlx5_core; missing ones are skipped)
#   -c FILE            agent configuration, installed as /etc/vmcored-agent.conf
#   -a FILE            the agent (default: vmcored-agent beside this script's directory)
#   -i FILE            /init to use (default: capture-init beside this script)
#   -b FILE            static busybox (default: /bin/busybox)
#   -x FILE            extra binary copied with its libraries (repeatable; e.g. curl, ssh)
#   -f SRC:DEST        extra file copied to DEST in the image (repeatable; e.g. keys)
set -eu

PROG=build-capture-initramfs
die() { echo "$PROG: ERROR: $*" >&2; exit 1; }
log() { echo "$PROG: $*" >&2; }

HERE=$(cd "$(dirname "$0")" && pwd)
OUT="" KVER="" MODDIR="" CONF=""
MODS="virtio_pci virtio_net e1000 e1000e vmxnet3 ixgbe igb bnxt_en mlx5_core"
AGENT=$HERE/../vmcored-agent
INIT=$HERE/capture-init
BUSYBOX=/bin/busybox
EXTRA_BINS="" EXTRA_FILES=""
while getopts o:k:m:n:c:a:i:b:x:f: opt; do
    case $opt in
        o) OUT=$OPTARG ;;
        k) KVER=$OPTARG ;;
        m) MODDIR=$OPTARG ;;
        n) MODS=$OPTARG ;;
        c) CONF=$OPTARG ;;
        a) AGENT=$OPTARG ;;
        i) INIT=$OPTARG ;;
        b) BUSYBOX=$OPTARG ;;
        x) EXTRA_BINS="$EXTRA_BINS $OPTARG" ;;
        f) EXTRA_FILES="$EXTRA_FILES $OPTARG" ;;
        *) die "unknown option (see the header of $0)" ;;
    esac
done
[ -n "$OUT" ] || die "-o OUTPUT is required"
[ -n "$KVER" ] || KVER=$(uname -r)
[ -n "$MODDIR" ] || MODDIR=/lib/modules/$KVER
[ -d "$MODDIR/kernel" ] || die "modules directory $MODDIR has no kernel/ subdirectory"
[ -f "$AGENT" ] || die "agent $AGENT not found"
[ -f "$INIT" ] || die "init $INIT not found"
[ -x "$BUSYBOX" ] || die "busybox $BUSYBOX not found"
if ldd "$BUSYBOX" >/dev/null 2>&1; then
    die "$BUSYBOX is dynamically linked; install busybox-static (the image carries no libc for it)"
fi
MAKEDUMPFILE=$(command -v makedumpfile) || die "makedumpfile not found (apt-get install makedumpfile)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/capture-initramfs.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
T=$TMP/tree
mkdir -p "$T/bin" "$T/sbin" "$T/etc" "$T/proc" "$T/sys" "$T/dev" "$T/tmp" "$T/run" "$T/var/crash" \
    "$T/lib/modules" "$T/usr/share/udhcpc"

# copy_bin FILE: the binary into /bin and every shared library ldd names (plus the loader)
copy_bin() {
    src=$1
    [ -f "$src" ] || die "binary $src not found"
    cp -L "$src" "$T/bin/${src##*/}"
    ldd "$src" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
        while read -r lib; do
            [ -f "$T$lib" ] && continue
            mkdir -p "$T${lib%/*}"
            cp -L "$lib" "$T$lib"
        done
}

# module_file NAME: path of NAME.ko[.xz|.zst|.gz] under $MODDIR/kernel ('-' and '_' alike)
module_file() {
    local n1 n2
    n1=$1 n2=$(echo "$1" | tr _ -)
    find "$MODDIR/kernel" \( -name "$n1.ko" -o -name "$n1.ko.*" -o -name "$n2.ko" -o -name "$n2.ko.*" \) \
        2>/dev/null | head -n 1
}

# module_image FILE: the module decompressed on stdout (busybox insmod takes plain .ko only)
module_image() {
    case $1 in
        *.xz) xz -dc "$1" ;;
        *.zst) zstd -qdc "$1" ;;
        *.gz) gzip -dc "$1" ;;
        *) cat "$1" ;;
    esac
}

LOADED=" "
# add_module NAME: its dependencies first, then itself, appended to /modules.load
# (local: dash, busybox ash and bash all have it; the recursion needs it)
add_module() {
    local name f deps d
    name=$(echo "$1" | tr - _)
    case "$LOADED" in *" $name "*) return 0 ;; esac
    LOADED="$LOADED$name "
    grep -qs "/$name.ko" "$MODDIR/modules.builtin" && return 0
    grep -qs "/$(echo "$name" | tr _ -).ko" "$MODDIR/modules.builtin" && return 0
    f=$(module_file "$name")
    if [ -z "$f" ]; then
        log "module $name not in $MODDIR (skipped)"
        return 0
    fi
    module_image "$f" > "$TMP/$name.ko" || die "cannot decompress $f"
    deps=$(tr '\0' '\n' < "$TMP/$name.ko" | sed -n 's/^depends=//p' | head -n 1 | tr , ' ')
    for d in $deps; do add_module "$d"; done
    mv "$TMP/$name.ko" "$T/lib/modules/$name.ko"
    echo "$name.ko" >> "$T/modules.load"
}

: > "$T/modules.load"
for m in $MODS; do add_module "$m"; done

cp "$BUSYBOX" "$T/bin/busybox"
copy_bin "$MAKEDUMPFILE"
for b in $EXTRA_BINS; do copy_bin "$b"; done
for pair in $EXTRA_FILES; do
    src=${pair%%:*} dest=${pair#*:}
    mkdir -p "$T${dest%/*}"
    cp -L "$src" "$T$dest"
done
cp "$AGENT" "$T/bin/vmcored-agent"
cp "$INIT" "$T/init"
cp "$HERE/udhcpc.script" "$T/usr/share/udhcpc/default.script"
chmod 755 "$T/bin/vmcored-agent" "$T/init" "$T/usr/share/udhcpc/default.script"
if [ -n "$CONF" ]; then
    cp "$CONF" "$T/etc/vmcored-agent.conf"
fi
echo "$KVER" > "$T/etc/vmcored-kernel"
# OpenSSH's client will not run for a uid without a passwd entry ("No user exists for
# uid 0"): the ssh transport needs root in /etc/passwd, with ~/.ssh for a known_hosts file
echo "root:x:0:0:root:/root:/bin/sh" > "$T/etc/passwd"
echo "root:x:0:" > "$T/etc/group"
mkdir -p "$T/root/.ssh"
chmod 700 "$T/root" "$T/root/.ssh"

(cd "$T" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -6) > "$OUT.tmp" \
    || die "cpio/gzip of $T failed"
mv "$OUT.tmp" "$OUT"
log "built $OUT ($(wc -c < "$OUT") bytes; modules: $(tr '\n' ' ' < "$T/modules.load"))"
