package io.vmcored.server.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Reads a Java properties file entry by entry, keeping the line each entry starts on, so a
 * mistake can be reported as {@code FILE:LINE} (as {@code sshd -t} does). Each logical line
 * (continuations joined) is parsed by {@link Properties} itself, so escapes mean what they
 * always meant.
 */
final class ConfigFile {

    /** One {@code key = value} and where it came from ({@code FILE:LINE}). */
    record Entry(String key, String value, String origin) {
    }

    /** A file larger than any sensible configuration is a mistake (a dump named as the config). */
    static final long MAX_BYTES = 1 << 20;

    private ConfigFile() {
    }

    static List<Entry> read(Path file) throws IOException {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IOException(file + ": " + Files.size(file) + " bytes, more than a configuration file holds ("
                        + MAX_BYTES + ")");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file + ": no such file");
        } catch (MalformedInputException e) {
            throw new IOException(file + ": not UTF-8 text");
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int first = i;
            StringBuilder logical = new StringBuilder(lines.get(i));
            while (continues(lines.get(i)) && i + 1 < lines.size() && !comment(lines.get(first))) {
                logical.append('\n').append(lines.get(++i));
            }
            if (comment(lines.get(first))) {
                continue;
            }
            Properties p = new Properties();
            p.load(new StringReader(logical.toString()));
            for (String key : p.stringPropertyNames()) {
                out.add(new Entry(key, p.getProperty(key), file + ":" + (first + 1)));
            }
        }
        return out;
    }

    private static boolean comment(String line) {
        String t = line.stripLeading();
        return t.isEmpty() || t.charAt(0) == '#' || t.charAt(0) == '!';
    }

    /** An odd number of trailing backslashes continues the line. */
    private static boolean continues(String line) {
        int n = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }
}
