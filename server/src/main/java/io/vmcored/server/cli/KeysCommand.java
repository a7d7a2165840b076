package io.vmcored.server.cli;

import io.vmcored.server.ssh.auth.AuthorizedKey;
import io.vmcored.server.ssh.auth.AuthorizedKeyStore;
import io.vmcored.server.ssh.auth.HostNames;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vmcored keys}: the SSH receiver's key store ({@code <state>/authorized_keys}), edited
 * offline or while the server runs (it re-reads the file when it changes).
 */
@Command(name = "keys", description = "Manage the SSH keys of kdump clients: each key belongs to one host.",
        subcommands = {KeysCommand.Add.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** The state directory option shared by the subcommands (same default as serve). */
    static class StateOption {
        @Option(names = "--state", paramLabel = "DIR", description = "State directory (default ./var/state).")
        Path state = Path.of("var", "state");
    }

    @Command(name = "add", description = "Enroll the public key(s) in PUBKEYFILE ('-' = stdin) for HOST.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @picocli.CommandLine.Mixin
        StateOption opt = new StateOption();
        @Parameters(index = "0", paramLabel = "HOST")
        String host;
        @Parameters(index = "1", paramLabel = "PUBKEYFILE")
        String file;

        @Override
        public Integer call() throws Exception {
            HostNames.require(host);
            String text = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
            List<AuthorizedKey> keys = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    keys.add(AuthorizedKey.parsePublicKeyLine(host, line));
                }
            }
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("no public key in " + file);
            }
            int added = new AuthorizedKeyStore(opt.state).add(keys);
            PrintWriter out = spec.commandLine().getOut();
            for (AuthorizedKey k : keys) {
                out.println(host + " " + k.type() + " " + k.fingerprint());
            }
            out.println(added + " key(s) added, " + (keys.size() - added) + " already present");
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", description = "List enrolled keys: HOST TYPE FINGERPRINT COMMENT.")
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @picocli.CommandLine.Mixin
        StateOption opt = new StateOption();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            for (AuthorizedKey k : new AuthorizedKeyStore(opt.state).list()) {
                out.println(k.host() + " " + k.type() + " " + k.fingerprint() + (k.comment().isEmpty() ? "" : " " + k.comment()));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "revoke", description = "Remove keys: by fingerprint (SHA256:...), or every key of a HOST.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @picocli.CommandLine.Mixin
        StateOption opt = new StateOption();
        @Parameters(paramLabel = "HOST|FINGERPRINT", arity = "1..*")
        List<String> which;

        @Override
        public Integer call() throws Exception {
            List<AuthorizedKey> removed = new AuthorizedKeyStore(opt.state).revoke(
                    k -> which.contains(k.host()) || which.contains(k.fingerprint()));
            PrintWriter out = spec.commandLine().getOut();
            for (AuthorizedKey k : removed) {
                out.println("revoked " + k.host() + " " + k.type() + " " + k.fingerprint());
            }
            out.flush();
            if (removed.isEmpty()) {
                spec.commandLine().getErr().println("vmcored keys revoke: no key matches " + which);
                return 1;
            }
            return 0;
        }
    }
}
