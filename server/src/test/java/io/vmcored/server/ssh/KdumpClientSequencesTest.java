package io.vmcored.server.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.server.catalog.DumpState;
import io.vmcored.server.catalog.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the exact command sequences of RHEL's kdump.sh / kdumpctl / mkdumprd, Debian's
 * kdump-config and SUSE's kdump-save (docs: shared spec kdump-clients.md) with the real OpenSSH
 * client and real makedumpfile streams, and compares the stored dump with makedumpfile -R's output.
 */
class KdumpClientSequencesTest {

    @TempDir
    static Path tmp;
    static SshTestServer server;
    static OpenSsh client;

    @BeforeAll
    static void start() throws Exception {
        server = new SshTestServer(tmp, SshOptions.defaults());
        client = new OpenSsh(Files.createDirectories(tmp.resolve("client")), "kdump_id_rsa", "rsa", server);
        server.enroll("web01", client.publicKey());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void rhelDumpSequenceStoresTheRearrangedDumpAsVmcore() throws Exception {
        Path flat = Fixtures.stream("kdump-lzo-d31");
        Path oracle = Fixtures.oracle("kdump-lzo-d31");
        Path dmesg = Fixtures.dmesg("kdump-lzo-d31");
        String d = "/var/crash/192.168.122.10-2024-05-01-10:11:12";

        ok(client.ssh("mkdir -p " + d, null));
        ok(client.ssh("umask 0077 && dd of='" + d + "/vmcore-dmesg-incomplete.txt'", dmesg));
        ok(client.ssh("mv " + d + "/vmcore-dmesg-incomplete.txt " + d + "/vmcore-dmesg.txt", null));
        ok(client.ssh("umask 0077 && dd bs=512 of='" + d + "/vmcore-incomplete'", flat));
        ok(client.ssh("mv '" + d + "/vmcore-incomplete' '" + d + "/vmcore.flat'", null));
        Path log = Files.writeString(tmp.resolve("kexec-dmesg.log"), "kdump: saving vmcore complete\n");
        ok(client.scp(List.of("-O"), log.toString(), "root@127.0.0.1:" + d + "/"));

        Path stored = server.spool.resolve("web01/192.168.122.10-2024-05-01-10:11:12");
        assertArrayEquals(Files.readAllBytes(oracle), Files.readAllBytes(stored.resolve("vmcore")),
                "stored vmcore must equal makedumpfile -R output byte for byte");
        assertFalse(Files.exists(stored.resolve("vmcore.flat")), ".flat must be dropped from the stored name");
        assertFalse(Files.exists(stored.resolve("vmcore-incomplete")), "the -incomplete name must be gone after mv");
        assertArrayEquals(Files.readAllBytes(dmesg), Files.readAllBytes(stored.resolve("vmcore-dmesg.txt")));
        assertEquals("kdump: saving vmcore complete\n", Files.readString(stored.resolve("kexec-dmesg.log")));
        Manifest m = server.manifest("web01", "192.168.122.10-2024-05-01-10:11:12");
        assertEquals(DumpState.COMPLETE, m.state, "mv from vmcore-incomplete after a full stream: complete; " + m.problem);
        assertEquals("vmcore", m.dumpFile);
        assertEquals("FLATTENED", m.files.get("vmcore").contentKind);
        assertEquals("ssh", m.transport);
    }

    @Test
    void rhelServiceAndInitramfsCommands() throws Exception {
        ok(client.ssh("mkdir -p /var/crash", null));
        OpenSsh.Result tmpDir = client.ssh("mktemp -dqp /var/crash", null);
        ok(tmpDir);
        String made = tmpDir.out().strip();
        assertTrue(made.startsWith("/var/crash/tmp."), "mktemp prints the new directory: " + made);
        ok(client.ssh("test -d " + made, null));
        ok(client.ssh("rmdir " + made, null));
        assertEquals(1, client.ssh("test -d " + made, null).exit(), "removed directory is gone");
        OpenSsh.Result df = client.ssh("df --output=avail /var/crash", null);
        ok(df);
        String[] lines = df.out().strip().split("\n");
        assertTrue(Long.parseLong(lines[lines.length - 1].strip()) > 0, "last line = free KiB: " + df);
        OpenSsh.Result dfp = client.ssh("df -P /var/crash", null);
        ok(dfp);
        assertEquals(6, dfp.out().strip().split("\n")[1].split("\\s+").length, "df -P data line has 6 columns: " + dfp);

        // kdumpctl test: status file written with echo, fetched with scp (legacy protocol and SFTP)
        String t = "/var/crash/kdump-test-abc123";
        ok(client.ssh("mkdir -p " + t, null));
        ok(client.ssh("echo fail kdump_test_id=abc123 > " + t + "/vmcore-creation.status", null));
        ok(client.ssh("echo success kdump_test_id=abc123 > " + t + "/vmcore-creation.status", null));
        for (List<String> mode : List.of(List.of("-O"), List.<String>of())) {
            Path got = tmp.resolve("status" + mode.size());
            ok(client.scp(mode, "root@127.0.0.1:" + t + "/vmcore-creation.status", got.toString()));
            assertEquals("success kdump_test_id=abc123\n", Files.readString(got));
        }
        OpenSsh.Result missing = client.scp(List.of("-O"), "root@127.0.0.1:/var/crash/kdump-test-none/vmcore-creation.status",
                tmp.resolve("none").toString());
        assertEquals(1, missing.exit(), "scp download of a missing status file exits 1: " + missing);
    }

    @Test
    void debianSequence() throws Exception {
        Path flat = Fixtures.stream("kdump-zlib-d31");
        Path oracle = Fixtures.oracle("kdump-zlib-d31");
        String d = "/var/crash/10.0.0.7-202405011011";
        ok(client.ssh("mkdir -p " + d, null));
        Path dmesg = Files.copy(Fixtures.dmesg("kdump-zlib-d31"), tmp.resolve("dmesg.202405011011"));
        ok(client.scp(List.of("-O"), dmesg.toString(), "root@127.0.0.1:" + d));
        ok(client.ssh("dd of=" + d + "/dump-incomplete", flat));
        ok(client.ssh("mv " + d + "/dump-incomplete " + d + "/dump.202405011011", null));
        Path stored = server.spool.resolve("web01/10.0.0.7-202405011011");
        assertArrayEquals(Files.readAllBytes(oracle), Files.readAllBytes(stored.resolve("dump.202405011011")));
        assertArrayEquals(Files.readAllBytes(dmesg), Files.readAllBytes(stored.resolve("dmesg.202405011011")));
        Manifest m = server.manifest("web01", "10.0.0.7-202405011011");
        assertEquals(DumpState.COMPLETE, m.state, m.problem);
        assertEquals("dump.202405011011", m.dumpFile);
    }

    @Test
    void suseSequenceCompletesOnEofAndExitZero() throws Exception {
        Path flat = Fixtures.stream("kdump-zlib-d31");
        Path oracle = Fixtures.oracle("kdump-zlib-d31");
        String d = "/var/crash/suse15-2024-05-01-10-11";
        Path readme = Files.writeString(tmp.resolve("README.txt"), "Kernel crashdump\nstatus: saving\n");
        ok(client.ssh("umask 077; mkdir -p " + d + " && cat > " + d + "/README.txt", readme));
        ok(client.ssh("umask 077; mkdir -p " + d + " && cat > " + d + "/dmesg.txt", Fixtures.dmesg("kdump-zlib-d31")));
        ok(client.ssh("umask 077; mkdir -p " + d + " && cat > " + d + "/vmcore", flat));
        Files.writeString(readme, "Kernel crashdump\nstatus: complete\n");
        ok(client.ssh("umask 077; mkdir -p " + d + " && cat > " + d + "/README.txt", readme));
        Path stored = server.spool.resolve("web01/suse15-2024-05-01-10-11");
        assertArrayEquals(Files.readAllBytes(oracle), Files.readAllBytes(stored.resolve("vmcore")));
        assertEquals("Kernel crashdump\nstatus: complete\n", Files.readString(stored.resolve("README.txt")));
        Manifest m = server.manifest("web01", "suse15-2024-05-01-10-11");
        assertEquals(DumpState.COMPLETE, m.state, "cat > vmcore with EOF + exit 0 is complete; " + m.problem);
        assertEquals("vmcore", m.dumpFile);
    }

    @Test
    void makedumpfileMinusRIsInterpreted() throws Exception {
        Path flat = Fixtures.stream("kdump-zlib-d31");
        ok(client.ssh("makedumpfile -R /var/crash/mdf-1/vmcore", flat));
        assertArrayEquals(Files.readAllBytes(Fixtures.oracle("kdump-zlib-d31")),
                Files.readAllBytes(server.spool.resolve("web01/mdf-1/vmcore")));
    }

    static void ok(OpenSsh.Result r) {
        assertEquals(0, r.exit(), "expected exit 0: " + r);
    }
}
