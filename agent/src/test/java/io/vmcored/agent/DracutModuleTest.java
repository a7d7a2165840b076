package io.vmcored.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import io.vmcored.server.cli.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * agent/dracut/99vmcored with the real dracut (Debian's dracut-core + dracut-network): an
 * initramfs built with {@code -m "base vmcored"} must hold the agent, the kdump_pre hook,
 * the configuration, the ssh key and known_hosts (modes kept), the tools and the network
 * request; the agent inside it (chrooted into the unpacked image, with the image's own
 * bash, ssh and nc) uploads the fixture vmcore to vmcored; check() refuses without
 * makedumpfile. dracut runs from a private copy of its module directory, so nothing is
 * installed on the host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DracutModuleTest {

    private static final String KEY_HOST = "dracut-key";

    @TempDir
    static Path dir; // one per class: the image is built once

    private TestServer server;
    private Path image;
    private Path key;
    private Path knownHosts;
    private Path conf;

    @BeforeAll
    void buildImage() throws Exception {
        Requirements.requirePrograms("dracut", "lsinitrd", "makedumpfile", "ssh", "ssh-keygen", "cpio");
        Requirements.require(Files.isDirectory(Path.of("/usr/lib/dracut/modules.d/40network")),
                "dracut's network module (Debian: apt-get install dracut-network)");
        Fixtures.vmcore(); // what the agent in the image uploads: required before the image is built
        server = new TestServer(dir.resolve("server"), 0, -1, Map.of()).ssh(0);
        key = dir.resolve("ssh").resolve("kdump_id_ed25519");
        Files.createDirectories(key.getParent());
        run(null, Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
        assertEquals(0, Main.run("keys", "add", KEY_HOST, key + ".pub", "--state", server.stateDir().toString()));
        server.start();
        String hostKey = run(null, Map.of(), "ssh-keygen", "-y", "-f",
                server.stateDir().resolve("ssh_host_ecdsa_key").toString()).strip();
        knownHosts = Files.writeString(key.resolveSibling("known_hosts"),
                "[127.0.0.1]:" + server.sshPort() + " " + hostKey + "\n");
        // as an operator would write it: comments, '_' for '-', quotes
        conf = Files.writeString(dir.resolve("vmcored-agent.conf"), "server=127.0.0.1\nport=" + server.sshPort()
                + "\ntransport=ssh    # tcp, http or ssh\nssh-key=\"" + key + "\"\nssh_known_hosts=" + knownHosts
                + "\nhost=dracut-host\ncompress=zlib\nretries=1\nvmcore=/var/vmcore.elf\n");
        image = dir.resolve("initramfs.img");
        Path log = dracut(image, Map.of());
        assertTrue(Files.readString(log).contains("Including module: network"), "network pulled in by depends()");
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void imageHoldsAgentHookConfigKeysAndTools() throws Exception {
        Map<String, String> modes = listing(image);
        assertEquals("-rwxr-xr-x", modes.get("usr/lib/vmcored/vmcored-agent"), "agent executable: " + modes.keySet());
        assertEquals("-rwxr-xr-x", modes.get("usr/lib/vmcored/kdump-pre"), "kdump_pre hook executable");
        assertEquals("-rw-------", modes.get(rel(key)), "ssh key stays private");
        assertTrue(modes.containsKey(rel(knownHosts)), "known_hosts in the image");
        for (String tool : List.of("makedumpfile", "nc", "ssh", "sh", "tail", "head", "sed", "mkfifo", "awk", "mv")) {
            assertTrue(modes.containsKey("usr/bin/" + tool) || modes.containsKey("usr/sbin/" + tool), tool + " in the image");
        }
        assertArrayEquals(Files.readAllBytes(E2eSupport.agentScript()), extract("usr/lib/vmcored/vmcored-agent"));
        assertArrayEquals(Files.readAllBytes(E2eSupport.repo().resolve("agent/dracut/99vmcored/kdump-pre")),
                extract("usr/lib/vmcored/kdump-pre"));
        assertArrayEquals(Files.readAllBytes(conf), extract("etc/vmcored-agent.conf"));
        assertEquals("rd.neednet=1 ip=dhcp\n", new String(extract("etc/cmdline.d/95vmcored.conf"), StandardCharsets.UTF_8));
        assertTrue(new String(extract("etc/passwd"), StandardCharsets.UTF_8).contains("root:"), "ssh needs root in passwd");
    }

    @Test
    void agentInsideTheImageUploadsOverSshAndTcp() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        run(root, Map.of(), "lsinitrd", "--unpack", image.toString());
        try {
            Files.createLink(root.resolve("var/vmcore.elf"), Fixtures.vmcore());
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(Fixtures.vmcore(), root.resolve("var/vmcore.elf"));
        }
        Files.createDirectories(root.resolve("dev"));
        Files.createDirectories(root.resolve("proc"));
        // makedumpfile sizes its buffer from /proc/meminfo; the capture kernel has /proc mounted
        Requirements.require(exec("mknod", "-m", "666", root.resolve("dev/null").toString(), "c", "1", "3") == 0
                && exec("mount", "-t", "proc", "proc", root.resolve("proc").toString()) == 0,
                "root, to make the chroot's /dev/null and mount its /proc (mknod, mount -t proc)");
        try {
            // kdump's own call: the hook exits 1 when vmcored confirmed the dump (kdump then skips its dump)
            BusyboxAgent.Result hook = chroot(root, "/usr/lib/vmcored/kdump-pre");
            assertEquals(1, hook.rc(), hook.out());
            assertTrue(hook.out().contains("dump uploaded and confirmed"), hook.out());
            assertStored(dumpOf(KEY_HOST), hook.out());
            // the image's nc (Debian: netcat-openbsd; RHEL: nmap-ncat) for the native transport
            BusyboxAgent.Result tcp = chroot(root, "/usr/lib/vmcored/vmcored-agent", "--config", "/etc/vmcored-agent.conf",
                    "--transport", "tcp", "--port", Integer.toString(server.tcpPort()), "--dump-id", "tcp-in-image");
            assertEquals(0, tcp.rc(), tcp.out());
            assertStored(dumpOf("dracut-host"), tcp.out());
        } finally {
            exec("umount", "-l", root.resolve("proc").toString());
        }
    }

    @Test
    void checkRefusesWithoutMakedumpfile() throws Exception {
        // dracut's PATH (DRACUT_PATH) without makedumpfile: check() returns 1, --add/-m fails
        Path bin = Files.createDirectories(dir.resolve("no-makedumpfile"));
        for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            try (Stream<Path> s = Files.list(Path.of(d))) {
                for (Path p : s.toList()) {
                    Path link = bin.resolve(p.getFileName().toString());
                    if (!p.getFileName().toString().equals("makedumpfile") && !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, p);
                    }
                }
            }
        }
        Path out = dir.resolve("refused.img");
        Map<String, String> env = new HashMap<>(dracutEnv());
        env.put("DRACUT_PATH", bin.toString());
        Processes.Result r = Processes.run(dracutProcess(out, env), Duration.ofSeconds(120));
        String log = r.out();
        assertEquals(1, r.exit(), log);
        assertTrue(log.contains("dracut module 'vmcored' will not be installed, because command 'makedumpfile' could not be found"), log);
        assertTrue(!Files.exists(out), "no image");
    }

    // ---- dracut ------------------------------------------------------------------------------

    /** dracut's own files with our module added to its modules.d: nothing installed on the host. */
    private Path dracutBase() throws IOException {
        Path base = dir.resolve("dracut-base");
        if (Files.isDirectory(base)) {
            return base;
        }
        Path modules = Files.createDirectories(base.resolve("modules.d"));
        try (Stream<Path> s = Files.list(Path.of("/usr/lib/dracut"))) {
            for (Path p : s.toList()) {
                if (!p.getFileName().toString().equals("modules.d")) {
                    Files.createSymbolicLink(base.resolve(p.getFileName().toString()), p);
                }
            }
        }
        try (Stream<Path> s = Files.list(Path.of("/usr/lib/dracut/modules.d"))) {
            for (Path p : s.toList()) {
                Files.createSymbolicLink(modules.resolve(p.getFileName().toString()), p);
            }
        }
        Files.createSymbolicLink(modules.resolve("99vmcored"), E2eSupport.repo().resolve("agent/dracut/99vmcored"));
        return base;
    }

    /** The installed layout (install -m755 ... /usr/lib/vmcored/) staged in the test directory. */
    private Map<String, String> dracutEnv() throws IOException {
        Path src = dir.resolve("usr-lib-vmcored");
        if (!Files.isDirectory(src)) {
            Files.createDirectories(src);
            for (Path f : List.of(E2eSupport.agentScript(), E2eSupport.repo().resolve("agent/dracut/99vmcored/kdump-pre"))) {
                Path staged = Files.copy(f, src.resolve(f.getFileName()));
                Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        return Map.of("dracutbasedir", dracutBase().toString(), "VMCORED_SRC", src.toString(),
                "VMCORED_CONF", conf.toString());
    }

    private ProcessBuilder dracutProcess(Path out, Map<String, String> env) throws IOException {
        Path empty = Files.createDirectories(dir.resolve("dracut-conf.d"));
        Path emptyConf = dir.resolve("dracut.conf");
        if (!Files.exists(emptyConf)) {
            Files.createFile(emptyConf);
        }
        ProcessBuilder pb = new ProcessBuilder("dracut", "--conf", emptyConf.toString(), "--confdir", empty.toString(),
                "--no-hostonly", "--no-hostonly-cmdline", "--no-kernel", "-m", "base vmcored",
                "--kver", System.getProperty("os.version"), "-f", out.toString()).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb;
    }

    private Path dracut(Path out, Map<String, String> extraEnv) throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>(dracutEnv());
        env.putAll(extraEnv);
        Processes.Result r = Processes.run(dracutProcess(out, env), Duration.ofSeconds(180));
        assertEquals(0, r.exit(), "dracut: " + r.out());
        return Files.writeString(dir.resolve("dracut.log"), r.out());
    }

    // ---- the image ---------------------------------------------------------------------------

    /** lsinitrd's listing: path (without the leading /) -> mode string. */
    private static Map<String, String> listing(Path img) throws IOException, InterruptedException {
        Map<String, String> modes = new HashMap<>();
        for (String line : run(null, Map.of(), "lsinitrd", img.toString()).split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length >= 9 && w[0].length() == 10 && "-dlcbps".indexOf(w[0].charAt(0)) >= 0) {
                modes.put(w[8], w[0]);
            }
        }
        return modes;
    }

    private byte[] extract(String path) throws IOException, InterruptedException {
        return Processes.run(Duration.ofSeconds(60), "lsinitrd", "-f", path, image.toString()).ok().stdout();
    }

    private static String rel(Path p) {
        return p.toString().substring(1);
    }

    private BusyboxAgent.Result chroot(Path root, String... cmd) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("chroot", root.toString()));
        all.addAll(List.of(cmd));
        ProcessBuilder pb = new ProcessBuilder(all).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        Processes.Result r = Processes.run(pb, Duration.ofSeconds(120));
        return new BusyboxAgent.Result(r.exit(), r.out());
    }

    private Path dumpOf(String host) {
        List<Path> d = server.dumps().stream().filter(p -> p.getParent().getFileName().toString().equals(host)).toList();
        assertEquals(1, d.size(), "one dump of " + host + ": " + server.dumps());
        return d.get(0);
    }

    private static void assertStored(Path dump, String out) throws IOException {
        assertEquals("complete", TestServer.manifest(dump).path("state").asText(), "manifest of " + dump + "; agent: " + out);
        assertArrayEquals(Files.readAllBytes(Fixtures.oracle("kdump-zlib-d31")), Files.readAllBytes(dump.resolve("vmcore")),
                "stored dump = makedumpfile -R oracle");
        assertArrayEquals(Files.readAllBytes(Fixtures.dmesg("kdump-zlib-d31")), Files.readAllBytes(dump.resolve("vmcore-dmesg.txt")));
    }

    private static int exec(String... cmd) throws IOException, InterruptedException {
        return Processes.run(Duration.ofSeconds(60), cmd).exit();
    }

    private static String run(Path cwd, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd == null ? null : cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        return Processes.run(pb, Duration.ofSeconds(120)).ok().out();
    }
}
