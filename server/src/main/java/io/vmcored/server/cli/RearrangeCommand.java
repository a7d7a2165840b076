package io.vmcored.server.cli;

import io.vmcored.protocol.flat.DecoderLimits;
import io.vmcored.protocol.flat.FlattenedDecoder;
import io.vmcored.protocol.flat.FlattenedFormatException;
import io.vmcored.protocol.flat.TrailingDataException;
import io.vmcored.protocol.flat.TruncatedStreamException;
import io.vmcored.protocol.rearrange.CoalescingWriter;
import io.vmcored.protocol.rearrange.ContentKind;
import io.vmcored.protocol.rearrange.DumpFileWriter;
import io.vmcored.protocol.rearrange.IncompleteMarker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vmcored rearrange [-f] DUMPFILE < STREAM}: the drop-in for {@code makedumpfile -R}.
 * Exit 0 complete, 1 unusable input or output, 2 stream cut short (dump kept, marked incomplete).
 */
@Command(name = "rearrange", mixinStandardHelpOptions = true, description = {
    "Rearrange a flattened dump (makedumpfile -F) from standard input into DUMPFILE,",
    "like makedumpfile -R. The stream may be gzip/bzip2/xz/lz4 wrapped.",
    "Exit status: 0 complete, 1 invalid input or output, 2 stream ended early (dump kept, marked incomplete)."})
public final class RearrangeCommand implements Callable<Integer> {

    static final int EXIT_INCOMPLETE = 2;

    @Parameters(index = "0", paramLabel = "DUMPFILE", description = "Dump file to write (created with mode 0600).")
    Path dumpFile;

    @Option(names = "-f", description = "Overwrite DUMPFILE if it exists.")
    boolean force;

    @Option(names = "--max-dump-size", paramLabel = "BYTES",
            description = "Refuse records ending beyond this size (default: ${DEFAULT-VALUE}).")
    long maxDumpSize = DecoderLimits.DEFAULT_MAX_DUMP_SIZE;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        return execute(spec.commandLine().getErr());
    }

    /**
     * Runs {@code rearrange [-f] [--max-dump-size N] DUMPFILE} without picocli; returns
     * null for any other shape (help, unknown options), which picocli then handles.
     */
    static Integer runWithoutPicocli(String[] args) {
        if (args.length < 2 || !args[0].equals("rearrange")) {
            return null;
        }
        RearrangeCommand cmd = new RearrangeCommand();
        int i = 1;
        for (; i < args.length - 1; i++) {
            if (args[i].equals("-f")) {
                cmd.force = true;
            } else if (args[i].equals("--max-dump-size") && i + 1 < args.length - 1 && args[i + 1].matches("[0-9]{1,18}")) {
                cmd.maxDumpSize = Long.parseLong(args[++i]);
            } else {
                return null;
            }
        }
        String file = args[args.length - 1];
        if (file.startsWith("-") || cmd.maxDumpSize <= 0) {
            return null;
        }
        cmd.dumpFile = Path.of(file);
        PrintWriter err = new PrintWriter(System.err, true);
        try {
            return cmd.execute(err);
        } catch (IOException | RuntimeException e) {
            return fail(err, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } finally {
            err.flush();
        }
    }

    private int execute(PrintWriter err) throws IOException {
        DecoderLimits limits = new DecoderLimits(maxDumpSize);
        try (StdinStream in = StdinStream.open()) {
            ByteBuffer first = in.next();
            if (first == null) {
                return fail(err, "standard input is empty: expected a flattened dump (makedumpfile -F)");
            }
            ContentKind kind = in.wrapper().isWrapped() ? ContentKind.sniff(first) : in.wrapper();
            if (kind != ContentKind.FLATTENED) {
                return fail(err, "standard input is not a flattened dump (makedumpfile -F): it looks like "
                        + describe(kind) + (in.wrapper().isWrapped() ? " inside " + describe(in.wrapper()) : ""));
            }
            try (FileChannel out = openOutput()) {
                LateSpaceReserver space = LateSpaceReserver.start(dumpFile);
                try (CoalescingWriter writer = new CoalescingWriter(new DumpFileWriter(out, space))) {
                    FlattenedDecoder decoder = new FlattenedDecoder(writer, limits);
                    return finish(() -> {
                        try {
                            for (ByteBuffer chunk = first; chunk != null; chunk = in.next()) {
                                decoder.feed(chunk);
                                ByteBuffer written = chunk; // the writer thread writes from it, then gives it back
                                writer.endOfChunk(() -> in.release(written));
                            }
                            decoder.finish();
                        } finally {
                            writer.flush();
                        }
                    }, writer.target(), err);
                } finally {
                    closeQuietly(space, out.size());
                }
            }
        } catch (FileAlreadyExistsException e) {
            return fail(err, dumpFile + " already exists (use -f to overwrite)");
        }
    }

    /** The rearranging itself, by whichever path reads the input. */
    private interface Job {
        void run() throws IOException;
    }

    /** Runs the job and turns how it ended into the exit status and one line on stderr. */
    private int finish(Job job, DumpFileWriter writer, PrintWriter err) throws IOException {
        try {
            job.run();
        } catch (TruncatedStreamException e) {
            IncompleteMarker.Result marked = writer.markIncomplete();
            err.println("vmcored rearrange: incomplete dump: " + e.getMessage() + "; kept " + writer.extent()
                    + " bytes in " + dumpFile + ", " + describe(marked));
            return EXIT_INCOMPLETE;
        } catch (TrailingDataException e) {
            return fail(err, "dump " + dumpFile + " is complete, but the input is invalid: " + e.getMessage());
        } catch (FlattenedFormatException e) {
            IncompleteMarker.Result marked = writer.markIncomplete();
            return fail(err, "invalid flattened stream: " + e.getMessage() + "; kept " + writer.extent()
                    + " bytes in " + dumpFile + ", " + describe(marked));
        }
        return 0;
    }

    private static void closeQuietly(LateSpaceReserver space, long size) {
        try {
            space.close(size);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the reservation past the end stays: harmless
        }
    }

    private FileChannel openOutput() throws IOException {
        Set<OpenOption> opts = force
                ? Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                    StandardOpenOption.READ)
                : Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
        return FileChannel.open(dumpFile, opts,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    private static int fail(PrintWriter err, String message) {
        err.println("vmcored rearrange: " + message);
        return 1;
    }

    private static String describe(IncompleteMarker.Result marked) {
        return switch (marked) {
            case MARKED_KDUMP -> "marked incomplete (kdump status flag 0x8)";
            case MARKED_ELF -> "marked incomplete (ELF e_flags bit 0)";
            case NO_HEADER -> "not marked: its header never arrived";
            case UNKNOWN_FORMAT -> "not marked: neither kdump-compressed nor ELF";
        };
    }

    private static String describe(ContentKind kind) {
        return switch (kind) {
            case ELF -> "an ELF file (a raw vmcore needs no rearranging)";
            case KDUMP -> "a kdump-compressed dump (already rearranged)";
            case PLAIN -> "neither a dump nor a known compressed stream";
            default -> kind.name().toLowerCase() + " data";
        };
    }
}
