import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Generator for bench/catalog-bench.sh: a spool of DUMPS synthetic dumps from HOSTS hosts, as
 * a year of a fleet would leave it. Each dump directory holds the manifest a real upload ends
 * with (complete and synced files with checksums, header facts, a crash analysis drawn from
 * 50 signatures and 5 kernel releases; some dumps incomplete or rejected) and its files as
 * hard links to a few small blobs, so 100,000 dumps take directories and manifests only.
 * Manifests say realistic sizes (30-900 MB); the blobs are stand-ins nobody downloads.
 *
 * <p>Beside the spool it writes SPOOL.hosts (one host a line), SPOOL.clients ("host clientId"
 * of dumps sent with the agent's handshake) and SPOOL.signatures (those some dump has): what the
 * bench's probes ask for.
 *
 * <p>Usage: java bench/CatalogSpool.java SPOOL DUMPS HOSTS [SEED]
 */
public class CatalogSpool {

    static final DateTimeFormatter DIR = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH:mm:ss").withZone(ZoneOffset.UTC);
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final long SPAN = 330L * 24 * 3600;
    static final String[] KERNELS = {"6.1.0-56-amd64", "6.1.0-58-amd64", "6.12.48+deb13-amd64", "5.14.0-570.el9.x86_64",
            "6.8.0-85-generic"};
    static final String[] KERNEL_VERSIONS = {"#1 SMP PREEMPT_DYNAMIC Debian 6.1.158-1 (2025-11-09)",
            "#1 SMP PREEMPT_DYNAMIC Debian 6.1.160-1 (2026-01-10)", "#1 SMP PREEMPT_DYNAMIC Debian 6.12.48-1 (2025-09-20)",
            "#1 SMP PREEMPT_DYNAMIC Thu Apr 10 12:00:00 UTC 2025", "#85-Ubuntu SMP PREEMPT_DYNAMIC Thu Sep 18 15:26:59 UTC 2025"};
    static final String[] ROLES = {"web", "db", "cache", "k8s-node", "build", "edge", "mq", "search"};
    static final String[] FUNCS = {"sysrq_handle_crash", "__handle_sysrq", "write_sysrq_trigger", "proc_reg_write",
            "vfs_write", "ksys_write", "do_syscall_64", "entry_SYSCALL_64_after_hwframe", "ext4_da_write_begin",
            "generic_perform_write", "ext4_buffered_write_iter", "nvme_irq", "blk_mq_complete_request", "nf_hook_slow",
            "ip_rcv", "__netif_receive_skb_core", "tcp_v4_rcv", "mlx5e_napi_poll", "net_rx_action", "__do_softirq",
            "kmem_cache_alloc", "__alloc_pages", "shrink_node", "kswapd", "xfs_iflush_cluster", "xfs_inode_item_push",
            "dm_submit_bio", "submit_bio_noacct", "igb_clean_rx_irq", "refcount_warn_saturate", "list_del_corruption",
            "mutex_lock", "rcu_do_batch", "rcu_core", "nft_do_chain", "queued_spin_lock_slowpath", "dev_hard_start_xmit",
            "__schedule", "worker_thread", "kthread", "ret_from_fork", "zap_pte_range", "unmap_page_range", "exit_mmap"};
    static final String[] TRIGGERS = {"sysrq: Trigger a crash", "BUG: kernel NULL pointer dereference, address: 0000000000000008",
            "general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI",
            "BUG: unable to handle page fault for address: ffffc90000a3f000", "kernel BUG at mm/slub.c:435!",
            "watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [kworker/3:1:1234]",
            "Out of memory and no killable processes...", "list_del corruption. prev->next should be ffff888104a3c2c8"};
    static final String[] PANICS = {"Kernel panic - not syncing: sysrq triggered crash",
            "Kernel panic - not syncing: Fatal exception", "Kernel panic - not syncing: Fatal exception in interrupt",
            "Kernel panic - not syncing: softlockup: hung tasks", "Kernel panic - not syncing: System is deadlocked on memory",
            "Kernel panic - not syncing: hung_task: blocked tasks"};

    record Crash(String signature, String trigger, String panic, String function, String rip, List<String> frames) {
    }

    public static void main(String[] args) throws IOException {
        Path spool = Path.of(args[0]);
        int dumps = Integer.parseInt(args[1]);
        int hosts = Integer.parseInt(args[2]);
        SplittableRandom rnd = new SplittableRandom(args.length > 3 ? Long.parseLong(args[3]) : 42);
        long t0 = System.nanoTime();
        List<Crash> crashes = crashes(rnd);
        Path blobs = spool.resolveSibling(spool.getFileName() + ".blobs");
        Files.createDirectories(spool);
        Files.createDirectories(blobs);
        // a blob takes at most 65,000 links (ext4): one per 50,000 dumps
        int blobCount = Math.max(1, (dumps + 49_999) / 50_000);
        for (int b = 0; b < blobCount; b++) {
            blob(blobs.resolve("vmcore." + b), kdumpHeader());
            blob(blobs.resolve("vmcore-dmesg.txt." + b), "[    0.000000] Linux version 6.1.0-56-amd64\n".getBytes(StandardCharsets.UTF_8));
            blob(blobs.resolve("dmesg.txt." + b), "[    0.000000] Linux version 6.1.0-56-amd64\n".getBytes(StandardCharsets.UTF_8));
        }
        StringBuilder clients = new StringBuilder();
        StringBuilder hostList = new StringBuilder();
        int made = 0;
        TreeSet<String> used = new TreeSet<>();
        for (int h = 0; h < hosts; h++) {
            String host = String.format(Locale.ROOT, "%s-%04d.dc%d.example.net", ROLES[h % ROLES.length], h, 1 + h % 3);
            hostList.append(host).append('\n');
            int mine = dumps / hosts + (h < dumps % hosts ? 1 : 0);
            TreeSet<Long> seconds = new TreeSet<>();
            while (seconds.size() < mine) {
                seconds.add(rnd.nextLong(SPAN));
            }
            String kernel = KERNELS[rnd.nextInt(KERNELS.length)]; // a host runs one release, mostly
            for (long s : seconds) {
                Instant created = START.plusSeconds(s).plusMillis(rnd.nextInt(1000));
                if (rnd.nextInt(10) == 0) {
                    kernel = KERNELS[rnd.nextInt(KERNELS.length)];
                }
                Dump d = new Dump(host, created, kernel, crashes.get(skewed(rnd, crashes.size())), rnd);
                Path dir = spool.resolve(host).resolve(DIR.format(created));
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("manifest.json"), d.manifest());
                int b = made % blobCount;
                if (!d.state.equals("rejected")) {
                    used.add(d.crash.signature);
                    link(dir.resolve("vmcore"), blobs.resolve("vmcore." + b));
                    link(dir.resolve("vmcore-dmesg.txt"), blobs.resolve("vmcore-dmesg.txt." + b));
                    link(dir.resolve("dmesg.txt"), blobs.resolve("dmesg.txt." + b));
                }
                if (d.clientId != null) {
                    clients.append(host).append(' ').append(d.clientId).append('\n');
                }
                made++;
            }
        }
        Files.writeString(spool.resolveSibling(spool.getFileName() + ".hosts"), hostList);
        Files.writeString(spool.resolveSibling(spool.getFileName() + ".clients"), clients);
        StringBuilder sigs = new StringBuilder();
        used.forEach(sig -> sigs.append(sig).append('\n'));
        Files.writeString(spool.resolveSibling(spool.getFileName() + ".signatures"), sigs);
        System.err.printf("%d dumps of %d hosts in %s: %.1f s%n", made, hosts, spool, (System.nanoTime() - t0) / 1e9);
    }

    /** A few crashes are most of them (a fleet's top signature is a bad driver or a known bug). */
    static int skewed(SplittableRandom rnd, int n) {
        double u = rnd.nextDouble();
        return Math.min(n - 1, (int) (n * u * u * u));
    }

    static List<Crash> crashes(SplittableRandom rnd) {
        List<Crash> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            List<String> frames = new ArrayList<>();
            for (int f = 0; f < 5; f++) {
                frames.add(FUNCS[rnd.nextInt(FUNCS.length)]);
            }
            String fn = frames.get(0);
            out.add(new Crash(String.format("%016x", rnd.nextLong()), TRIGGERS[i % TRIGGERS.length],
                    PANICS[i % PANICS.length], fn, fn + "+0x" + Integer.toHexString(16 + rnd.nextInt(400)) + "/0x"
                    + Integer.toHexString(500 + rnd.nextInt(1000)), frames));
        }
        return out;
    }

    static final class Dump {
        final String host;
        final Instant created;
        final String kernel;
        final Crash crash;
        final String state;
        final String transport;
        final String clientId;
        final long size;
        final SplittableRandom rnd;

        Dump(String host, Instant created, String kernel, Crash crash, SplittableRandom rnd) {
            this.host = host;
            this.created = created;
            this.kernel = kernel;
            this.crash = crash;
            this.rnd = rnd;
            int p = rnd.nextInt(100);
            this.state = p < 90 ? "complete" : p < 98 ? "incomplete" : "rejected";
            int t = rnd.nextInt(10);
            this.transport = t < 7 ? "tcp" : t < 9 ? "http" : "ssh";
            this.clientId = transport.equals("ssh") ? null : new UUID(rnd.nextLong(), rnd.nextLong()).toString();
            this.size = 30_000_000L + rnd.nextLong(870_000_000L);
        }

        String manifest() {
            Instant finished = created.plusMillis(2000 + rnd.nextInt(60_000));
            Instant synced = finished.plusMillis(300 + rnd.nextInt(2000));
            Instant analyzed = synced.plusMillis(100 + rnd.nextInt(1500));
            Json j = new Json();
            j.open().num("version", 1).str("id", host + "@" + DIR.format(created)).str("host", host)
                    .str("clientId", clientId).str("transport", transport).str("state", state)
                    .str("created", created.toString()).str("updated", analyzed.toString())
                    .str("finished", finished.toString()).str("dumpFile", "vmcore");
            if (!state.equals("complete")) {
                j.str("problem", state.equals("rejected") ? "disk_low: 812 MiB free, below spool.min-free (1 GiB)"
                        : "connection closed before the end of the stream");
            }
            j.num("resumes", state.equals("incomplete") ? 1 : 0);
            if (state.equals("rejected")) {
                j.key("files").open().key("vmcore").open().str("state", "rejected").num("streamBytes", 0)
                        .num("committedBytes", 0).num("fileSize", 0).str("problem", "refused before any byte was stored")
                        .num("transferMillis", 0).close().close();
                return j.close().toString();
            }
            long stream = size + size / 20;
            j.key("sender").open().str("level", "31").str("compress", "zlib").close();
            j.key("inspect").open().str("format", "kdump-compressed").str("nodename", host.substring(0, host.indexOf('.')))
                    .str("kernel", kernel).str("kernelVersion", KERNEL_VERSIONS[java.util.Arrays.asList(KERNELS).indexOf(kernel)])
                    .str("machine", "x86_64").str("crashTime", created.minusSeconds(20 + rnd.nextInt(40)).toString())
                    .str("dumpLevel", "31").str("compression", "zlib").str("dumpSize", Long.toString(size))
                    .str("pageSize", "4096").str("incompleteFlag", Boolean.toString(state.equals("incomplete"))).close();
            j.key("analysis").open().str("outcome", state.equals("complete") ? "complete" : "partial").str("source", "dump")
                    .str("dmesgFile", "dmesg.txt").str("clientDmesg", "vmcore-dmesg.txt").num("records", 900 + rnd.nextInt(3000))
                    .str("logFormat", "lockless");
            j.key("problems").array(state.equals("complete") ? List.of()
                    : List.of("page of address 0xffff888100a3c000 is not in the dump"));
            j.bool("crash", true).str("trigger", crash.trigger).str("panicLine", crash.panic)
                    .str("faultingFunction", crash.function).str("rip", crash.rip);
            j.key("topFrames").array(crash.frames);
            j.str("kernelRelease", kernel).str("uptime", String.format(Locale.ROOT, "%d.%06d", rnd.nextInt(9_000_000),
                    rnd.nextInt(1_000_000))).str("signature", crash.signature).str("analyzed", analyzed.toString())
                    .num("millis", 80 + rnd.nextInt(900)).close();
            j.key("files").open();
            file(j, "vmcore", "FLATTENED", stream, size, state.equals("complete"), finished, synced);
            file(j, "vmcore-dmesg.txt", "PLAIN", 60_000 + rnd.nextInt(200_000), -1, true, finished, synced);
            return j.close().close().toString();
        }

        void file(Json j, String name, String kind, long stream, long fileSize, boolean complete, Instant finished,
                  Instant synced) {
            long committed = complete ? stream : stream / 2;
            j.key(name).open().str("contentKind", kind).str("state", complete ? "complete" : "incomplete")
                    .num("streamBytes", complete ? stream : committed).num("committedBytes", committed)
                    .num("fileSize", fileSize < 0 ? stream : complete ? fileSize : fileSize / 2);
            if (complete) {
                j.str("checksum", String.format("xxh64:%016x", rnd.nextLong()));
            } else {
                j.str("problem", "connection closed before the end of the stream").num("resumeFrom", committed - 4096)
                        .str("resumeHash", String.format("%016x", rnd.nextLong())).str("incompleteMark", "KDUMP_HEADER");
            }
            j.str("started", created.plusMillis(50).toString()).str("finished", finished.toString());
            if (complete) {
                j.str("synced", synced.toString());
            }
            j.num("transferMillis", finished.toEpochMilli() - created.toEpochMilli()).close();
        }
    }

    /** Just enough JSON writing for manifests (Jackson-style indentation, as the server writes them). */
    static final class Json {
        private final StringBuilder b = new StringBuilder(4096);
        private int depth;
        private boolean first = true;

        Json open() {
            b.append('{');
            depth++;
            first = true;
            return this;
        }

        Json close() {
            depth--;
            b.append('\n').append("  ".repeat(depth)).append('}');
            first = false;
            return this;
        }

        Json key(String k) {
            b.append(first ? "" : ",").append('\n').append("  ".repeat(depth)).append('"').append(k).append("\" : ");
            first = false;
            return this;
        }

        Json str(String k, String v) {
            if (v == null) {
                return this;
            }
            key(k);
            quote(v);
            return this;
        }

        Json num(String k, long v) {
            key(k);
            b.append(v);
            return this;
        }

        Json bool(String k, boolean v) {
            key(k);
            b.append(v);
            return this;
        }

        Json array(List<String> items) {
            b.append('[');
            for (int i = 0; i < items.size(); i++) {
                b.append(i == 0 ? " " : ", ");
                quote(items.get(i));
            }
            b.append(items.isEmpty() ? "]" : " ]");
            return this;
        }

        private void quote(String v) {
            b.append('"');
            for (char c : v.toCharArray()) {
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            b.append('"');
        }

        @Override
        public String toString() {
            return b.append('\n').toString();
        }
    }

    static byte[] kdumpHeader() {
        byte[] h = new byte[8192];
        System.arraycopy("KDUMP   ".getBytes(StandardCharsets.US_ASCII), 0, h, 0, 8);
        return h;
    }

    static void blob(Path p, byte[] content) throws IOException {
        if (!Files.exists(p)) {
            Files.write(p, content);
        }
    }

    static void link(Path link, Path target) throws IOException {
        try {
            Files.createLink(link, target);
        } catch (FileAlreadyExistsException e) {
            // a rerun into the same spool
        }
    }
}
