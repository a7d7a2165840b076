package io.vmcored.server.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distro SSH clients under the mass-crash admission policy, with the real OpenSSH client and
 * RHEL's command sequence (kernel log first, then {@code dd of=vmcore-incomplete}): a client
 * over the cap on full uploads at once is held by flow control and completes once a slot frees,
 * longer than the idle timeout without being cut; a client whose crash already has its full
 * dumps is refused the dump with one line and keeps its kernel log and signature.
 */
class SshAdmissionTest {

    private static final String CRASH = "kdump-lzo-d31";

    @TempDir
    Path tmp;

    @Test
    void heldForTheirTurnThenRefusedOverTheQuota() throws Exception {
        try (SshTestServer server = new SshTestServer(tmp, SshOptions.defaults(), c -> {
            c.admissionMaxConcurrentFull = 1;
            c.admissionFullPerSignature = 2;
            c.idleTimeout = Duration.ofSeconds(5);
        })) {
            List<OpenSsh> hosts = new ArrayList<>();
            for (String h : List.of("rhel1", "rhel2", "rhel3")) {
                OpenSsh c = new OpenSsh(Files.createDirectories(tmp.resolve(h)), "kdump_id_rsa", "ed25519", server);
                server.enroll(h, c.publicKey());
                hosts.add(c);
            }
            Path flat = Fixtures.stream(CRASH);
            Path oracle = Fixtures.oracle(CRASH);
            String dir = "192.168.122.10-2026-12-07-11:00:00";
            String d = "/var/crash/" + dir;
            for (OpenSsh c : hosts) {
                sendKernelLog(c, d);
            }

            // rhel1 takes the only slot and stalls mid-stream; rhel2 asks meanwhile and is held
            Process first = dd(hosts.get(0), d, slowly(flat));
            await(() -> server.manifest("rhel1", dir).files.containsKey("vmcore-incomplete"), "rhel1's upload started");
            long asked = System.nanoTime();
            Process second = dd(hosts.get(1), d, "cat " + flat);
            await(() -> "wait".equals(decision(server.manifest("rhel2", dir))), "rhel2 held for its turn");
            Thread.sleep(6000); // past the 5 s idle timeout: a held client is not idle
            assertTrue(second.isAlive(), "rhel2 still waiting, its connection open");
            assertFalse(server.manifest("rhel2", dir).files.containsKey("vmcore-incomplete"),
                    "nothing of rhel2's dump written while it waits");

            Processes.Result one = Processes.await(first, "rhel1's dd", Duration.ofSeconds(60));
            assertEquals(0, one.exit(), "rhel1 completes: " + one);
            Processes.Result two = Processes.await(second, "rhel2's dd", Duration.ofSeconds(60));
            assertEquals(0, two.exit(), "rhel2 completes after its wait: " + two);
            assertTrue(System.nanoTime() - asked > Duration.ofSeconds(5).toNanos(), "rhel2 waited for rhel1");
            for (int i = 0; i < 2; i++) {
                String host = "rhel" + (i + 1);
                assertEquals(0, hosts.get(i).ssh("mv '" + d + "/vmcore-incomplete' '" + d + "/vmcore.flat'", null).exit());
                assertArrayEquals(Files.readAllBytes(oracle),
                        Files.readAllBytes(server.spool.resolve(host).resolve(dir).resolve("vmcore")), host);
                Manifest m = server.manifest(host, dir);
                assertEquals(DumpState.COMPLETE, m.state, host + ": " + m.problem);
                assertEquals("full", decision(m), host + ": " + m.admission);
            }

            // rhel3: its crash has its two full dumps; it is told so, its kernel log is the record
            OpenSsh.Result third = hosts.get(2).ssh("umask 0077 && dd bs=512 of='" + d + "/vmcore-incomplete'", flat);
            assertEquals(1, third.exit(), third.toString());
            assertTrue(third.err().contains("already has its full dumps on the collector; the kernel log sent before is kept"),
                    third.err());
            assertEquals(1, third.err().strip().lines().count(), "one line: " + third.err());
            // Debian's kdump-config falls back to scp when the pipe fails: refused the same way
            OpenSsh.Result scp = hosts.get(2).scp(List.of("-O"), flat.toString(), "root@127.0.0.1:" + d + "/vmcore");
            assertEquals(1, scp.exit(), scp.toString());
            assertTrue(scp.err().contains("already has its full dumps"), scp.err());
            // SUSE's kdump writes by SFTP: the OPEN of the dump file is refused the same way
            OpenSsh.Result sftp = hosts.get(2).sftpBatch("put " + flat + " " + d + "/vmcore\n");
            assertEquals(1, sftp.exit(), sftp.toString());
            // OpenSSH's sftp prints the status code's text, not the server's message (the log has it)
            assertTrue(sftp.err().contains("dest open \"" + d + "/vmcore\": Failure"), sftp.err());
            Manifest m = server.manifest("rhel3", dir);
            assertEquals(Map.of("decision", "dmesg", "reason", "signature_quota"),
                    Map.of("decision", m.admission.get("decision"), "reason", m.admission.get("reason")));
            assertNotNull(m.admission.get("signature"), "the signature is in the record: " + m.admission);
            assertTrue(Files.exists(server.spool.resolve("rhel3").resolve(dir).resolve("vmcore-dmesg.txt")));
            assertFalse(m.files.containsKey("vmcore-incomplete") || m.files.containsKey("vmcore"),
                    "no dump file begun by dd, scp or sftp: " + m.files.keySet());

            String scrape = server.registry.scrape();
            for (String line : List.of("vmcored_admission_decisions_total{decision=\"wait\",reason=\"concurrency\"} 1.0",
                    "vmcored_admission_decisions_total{decision=\"full\",reason=\"within_quota\"} 2.0",
                    "vmcored_admission_decisions_total{decision=\"dmesg\",reason=\"signature_quota\"} 3.0")) {
                assertTrue(scrape.contains(line), line + " in\n" + scrape);
            }
        }
    }

    /** RHEL's kdump.sh: the kernel log first, renamed once whole. */
    private static void sendKernelLog(OpenSsh c, String d) throws Exception {
        assertEquals(0, c.ssh("mkdir -p " + d, null).exit());
        assertEquals(0, c.ssh("umask 0077 && dd of='" + d + "/vmcore-dmesg-incomplete.txt'", Fixtures.dmesg(CRASH)).exit());
        assertEquals(0, c.ssh("mv " + d + "/vmcore-dmesg-incomplete.txt " + d + "/vmcore-dmesg.txt", null).exit());
    }

    /** {@code producer | ssh root@collector "dd of=.../vmcore-incomplete"}, as RHEL's makedumpfile -F pipe. */
    private static Process dd(OpenSsh c, String d, String producer) throws Exception {
        List<String> ssh = new ArrayList<>(List.of("ssh", "-p", Integer.toString(c.port)));
        ssh.addAll(c.options());
        ssh.add("root@127.0.0.1");
        ssh.add("'umask 0077 && dd bs=512 of=\"" + d + "/vmcore-incomplete\"'");
        String line = producer + " | " + String.join(" ", ssh.stream().map(a -> a.startsWith("'") ? a : "'" + a + "'").toList());
        return new ProcessBuilder("bash", "-c", line).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
    }

    /** The stream in twelve parts 1 s apart: slow, never idle for the 5 s idle timeout, even on a busy machine. */
    private static String slowly(Path flat) {
        return "python3 -c 'import sys, time\nd = open(sys.argv[1], \"rb\").read()\nn = len(d) // 12 + 1\n"
                + "for i in range(12):\n    sys.stdout.buffer.write(d[i * n:(i + 1) * n]); sys.stdout.flush(); time.sleep(1)' "
                + flat;
    }

    private static String decision(Manifest m) {
        return m.admission == null ? null : m.admission.get("decision");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < until) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (AssertionError notYet) {
                // the record does not exist yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out: " + what);
    }
}
