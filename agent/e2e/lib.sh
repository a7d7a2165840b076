# Shared by build-images.sh and build-dracut-images.sh (sourced after fixtures/lib.sh).

newer_than() { # newer_than OUT INPUT...: true when OUT is missing or older than an input
    local out=$1; shift
    [ -f "$out" ] || return 0
    local f; for f in "$@"; do [ "$f" -nt "$out" ] && return 0; done
    return 1
}

# build_first_initramfs OUT CAPTURE_IMG KDIR INIT: the first kernel's initramfs (busybox, kexec
# and its libraries, the kernel and CAPTURE_IMG to load with kexec -p, INIT as /init)
build_first_initramfs() {
    local out=$1 capture=$2 kdir=$3 init=$4
    local tmp; tmp=$(mktemp -d "$out.tmp.XXXXXX")
    local T=$tmp/tree
    mkdir -p "$T/bin" "$T/boot" "$T/proc" "$T/sys" "$T/dev"
    cp /bin/busybox "$T/bin/busybox"
    cp -L "$(command -v kexec)" "$T/bin/kexec"
    ldd "$(command -v kexec)" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
        while read -r lib; do mkdir -p "$T${lib%/*}"; cp -L "$lib" "$T$lib"; done
    cp -L "$kdir/vmlinuz" "$T/boot/vmlinuz"
    cp "$capture" "$T/boot/capture.img"
    install -m755 "$init" "$T/init"
    (cd "$T" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$tmp/first.img"
    mv "$tmp/first.img" "$out"
    rm -rf "$tmp"
    log "built $out ($(stat -c %s "$out") bytes)"
}
