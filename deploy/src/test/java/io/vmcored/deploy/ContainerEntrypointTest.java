package io.vmcored.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container's entrypoint (deploy/container/entrypoint.sh), run here as the image would run
 * it, without a container engine (none runs on these machines): as the image's fixed non-root
 * UID 10001, in a network namespace of its own, with the container's listeners on 0.0.0.0. It
 * refuses to start without an operator token; with the tokens from a mounted secret file and
 * the environment it serves, the tokens guard reads and uploads, a real dump lands
 * byte-identical on the spool volume, and neither token is on the JVM's command line or in its
 * environment; a mounted configuration file applies; SIGTERM stops it with exit 0.
 */
class ContainerEntrypointTest {

    private static final Duration T = Duration.ofSeconds(120);
    private static final String UID = "10001";
    private static final String OPERATOR = "operator-secret-from-a-file-0123";
    private static final String UPLOAD = "upload-token-from-the-environment-4567";
    private static final String STREAM = "kdump-zlib-d31";

    @TempDir
    Path tmp;

    @Test
    void entrypointServesWithTokensFromASecretAndTheEnvironmentAsAFixedUid() throws Exception {
        Requirements.require(isRoot(), "root (runs the entrypoint as UID 10001 in a network namespace of its own)");
        Requirements.requirePrograms("setpriv", "unshare", "nsenter", "ip", "curl");
        Path flat = Fixtures.stream(STREAM);
        Path oracle = Fixtures.oracle(STREAM);
        Path lib = tmp.resolve("lib");
        Path run = tmp.resolve("run");
        for (Path d : List.of(lib, lib.resolve("spool"), lib.resolve("state"), run)) {
            Files.createDirectories(d);
            Processes.run(T, "chown", UID + ":" + UID, d.toString()).ok();
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        Path secret = tmp.resolve("operator");
        Files.writeString(secret, OPERATOR + "\n");
        Processes.run(T, "chown", UID, secret.toString()).ok();
        Path mounted = tmp.resolve("vmcored.properties");

        // no token: off loopback the server refuses, naming the setting
        Processes.Result refused = Processes.run(entrypoint(lib, run, mounted, Map.of()), T);
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("auth.operator-token"), refused.toString());

        Files.writeString(mounted, "# mounted by the operator\nhttp.port = 8081\n");
        Files.setPosixFilePermissions(mounted, PosixFilePermissions.fromString("rw-r--r--"));
        Path log = tmp.resolve("server.log");
        ProcessBuilder pb = entrypoint(lib, run, mounted, Map.of("VMCORED_OPERATOR_TOKEN_FILE", secret.toString(),
                "VMCORED_UPLOAD_TOKEN", UPLOAD))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process server = pb.start();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(log).contains("vmcored started")) {
                assertTrue(server.isAlive() && System.nanoTime() < end, "start: " + Files.readString(log));
                Thread.sleep(100);
            }
            assertTrue(Files.readString(log).contains("http listening on 0.0.0.0:8081"), Files.readString(log));
            String pid = Long.toString(server.pid());
            assertEquals(UID, Processes.run(T, "ps", "-o", "uid=", "-p", pid).ok().out().strip(), "runs as UID 10001");
            String cmdline = Files.readString(Path.of("/proc", pid, "cmdline"), StandardCharsets.ISO_8859_1);
            String environ = Files.readString(Path.of("/proc", pid, "environ"), StandardCharsets.ISO_8859_1);
            assertTrue(cmdline.contains("vmcored.jar") && cmdline.contains("serve"), "the JVM: " + cmdline);
            for (String token : List.of(OPERATOR, UPLOAD)) {
                assertFalse(cmdline.contains(token) || environ.contains(token), "token visible in /proc");
            }
            assertFalse(environ.contains("VMCORED_OPERATOR_TOKEN"), "variables removed before the JVM starts");
            try (Stream<Path> files = Files.list(run)) {
                Path conf = files.filter(f -> f.getFileName().toString().startsWith("vmcored.")).findFirst().orElseThrow();
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)), conf.toString());
            }

            String url = "http://127.0.0.1:8081/api/v1/dumps";
            assertEquals("401", curl(pid, "-o", "/dev/null", "-w", "%{http_code}", url), "no token, no list");
            assertEquals("200", curl(pid, "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer " + OPERATOR,
                    url), "the operator token from the secret file");
            assertEquals("401", curl(pid, "-o", "/dev/null", "-w", "%{http_code}", "-T", flat.toString(), url + "/web1"),
                    "no token, no upload");
            assertEquals("201", curl(pid, "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer " + UPLOAD,
                    "-T", flat.toString(), url + "/web1"), "the upload token from the environment");
            try (Stream<Path> dumps = Files.list(lib.resolve("spool/web1"))) {
                Path dir = dumps.findFirst().orElseThrow();
                assertEquals(-1L, Files.mismatch(oracle, dir.resolve("vmcore")), "stored on the spool volume");
            }

            server.toHandle().destroy(); // what `podman stop` sends
            assertTrue(server.waitFor(120, TimeUnit.SECONDS), "stopped");
            assertEquals(0, server.exitValue(), Files.readString(log));
        } finally {
            Processes.kill(server);
        }
    }

    /** The entrypoint as the image runs it: UID 10001, its own network, paths pointed into the test's directory. */
    private ProcessBuilder entrypoint(Path lib, Path run, Path mounted, Map<String, String> env) {
        Path script = Path.of("container/entrypoint.sh").toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of("unshare", "--net", "--", "sh", "-c",
                "ip link set lo up && exec setpriv --reuid=" + UID + " --regid=" + UID + " --clear-groups"
                + " --inh-caps=-all --bounding-set=-all --no-new-privs -- \"$@\"", "sh", script.toString(),
                "--set", "analysis.enabled=false"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/sbin:/usr/bin:/sbin:/bin");
        e.put("VMCORED_JAR", Built.jar().toAbsolutePath().toString());
        e.put("VMCORED_LIB", lib.toString());
        e.put("VMCORED_CONFIG", mounted.toString());
        e.put("TMPDIR", run.toString());
        e.put("JAVA_OPTS", "-XX:MaxRAMPercentage=25 -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1");
        e.putAll(env);
        return pb;
    }

    private static String curl(String pid, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/proc/" + pid + "/ns/net", "--", "curl", "-sS"));
        cmd.addAll(List.of(args));
        return Processes.run(new ProcessBuilder(cmd), T).ok().out();
    }

    private static boolean isRoot() throws Exception {
        return Processes.run(T, "id", "-u").ok().out().strip().equals("0");
    }
}
