package io.vmcored.server.ssh.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact command lines of kdump-clients.md, and what a shell would do that vmcored refuses. */
class CommandLineParserTest {

    @Test
    void rhelDdWithUmaskAndQuotedPathContainingColons() throws Exception {
        List<SimpleCommand> c = CommandLineParser.parse(
                "umask 0077 && dd bs=512 of='/var/crash/10.0.0.5-2024-05-01-10:11:12/vmcore-incomplete'");
        assertEquals(2, c.size());
        assertEquals(List.of("umask", "0077"), c.get(0).words());
        assertEquals(List.of("dd", "bs=512", "of=/var/crash/10.0.0.5-2024-05-01-10:11:12/vmcore-incomplete"), c.get(1).words());
        assertTrue(c.get(1).onlyIfPreviousSucceeded(), "&& chains");
    }

    @Test
    void suseSemicolonAndRedirect() throws Exception {
        List<SimpleCommand> c = CommandLineParser.parse("umask 077; mkdir -p /var/crash/h-2024-05-01-10-11 && cat > /var/crash/h-2024-05-01-10-11/vmcore");
        assertEquals(3, c.size());
        assertFalse(c.get(1).onlyIfPreviousSucceeded(), "; runs regardless");
        assertEquals(List.of("cat"), c.get(2).words());
        assertEquals("/var/crash/h-2024-05-01-10-11/vmcore", c.get(2).redirect());
    }

    @Test
    void echoStatusAndQuotes() throws Exception {
        SimpleCommand c = CommandLineParser.parse("echo success kdump_test_id=a1>\"/var/crash/kdump-test-a1/vmcore-creation.status\"").get(0);
        assertEquals(List.of("echo", "success", "kdump_test_id=a1"), c.words());
        assertEquals("/var/crash/kdump-test-a1/vmcore-creation.status", c.redirect());
        assertEquals(List.of("mv", "a b", "c\"d"), CommandLineParser.parse("mv 'a b' \"c\\\"d\"").get(0).words());
        assertEquals(List.of("x y"), CommandLineParser.parse("x\\ y").get(0).words());
        assertEquals(1, CommandLineParser.parse("exit ;").size(), "a trailing ; is fine");
    }

    @Test
    void shellFeaturesAreRefused() {
        for (String line : List.of("echo $HOME", "echo `id`", "ls | tee x", "cat < /etc/passwd", "sleep 1 &", "rm *",
                "(id)", "a && ", "&& a", "echo 'open", "echo \"$(id)\"", "", "   ", "a\nb", "a > b > c")) {
            assertThrows(ShellSyntaxException.class, () -> CommandLineParser.parse(line), line);
        }
        assertThrows(ShellSyntaxException.class, () -> CommandLineParser.parse("x".repeat(CommandLineParser.MAX_LINE + 1)));
    }
}
