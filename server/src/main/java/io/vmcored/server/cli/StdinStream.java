package io.vmcored.server.cli;

import io.vmcored.protocol.rearrange.ContentKind;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Standard input as a sequence of buffers, unwrapped when it is gzip/bzip2/xz/lz4.
 *
 * <p>Why three paths: a regular file on stdin ({@code < STREAM}) is memory-mapped so
 * its bytes are not first copied into a read buffer; a pipe is read into one reused
 * direct buffer; a wrapped stream goes through its decompressor.
 */
abstract class StdinStream implements AutoCloseable {

    /** 1 GiB mapping windows: few mappings, well under the 2 GiB buffer limit. */
    private static final long MAP_WINDOW = 1L << 30;
    private static final int READ_BUFFER = 4 << 20;

    /** Next chunk of input, or null at EOF; valid until the next call. */
    abstract ByteBuffer next() throws IOException;

    /** What the first bytes said (FLATTENED, or the wrapper that was removed, or anything else). */
    abstract ContentKind wrapper();

    @Override
    public void close() throws IOException {
    }

    static StdinStream open() throws IOException {
        FileChannel stdin = new FileInputStream(FileDescriptor.in).getChannel();
        // position() would fail on a pipe: ask what stdin is first
        boolean regular = Files.isRegularFile(Path.of("/proc/self/fd/0"));
        long start = regular ? stdin.position() : 0;
        long size = regular ? stdin.size() : 0;
        if (size > start) {
            ByteBuffer head = stdin.map(FileChannel.MapMode.READ_ONLY, start, Math.min(size - start, 16));
            ContentKind kind = ContentKind.sniff(head);
            if (!kind.isWrapped()) {
                return new Mapped(stdin, start, size, kind);
            }
        }
        // A pipe: the first read decides; its bytes are handed on either way.
        ByteBuffer first = ByteBuffer.allocateDirect(READ_BUFFER);
        fill(stdin, first);
        first.flip();
        ContentKind kind = ContentKind.sniff(first);
        if (!kind.isWrapped()) {
            return new Read(stdin, kind, first);
        }
        byte[] head = new byte[first.remaining()];
        first.get(head);
        InputStream in = new BufferedInputStream(new SequenceInputStream(
                new ByteArrayInputStream(head), new FileInputStream(FileDescriptor.in)), 1 << 16);
        // (a FileInputStream, not the channel: decompressors call available(), which seeks on a channel)
        InputStream unwrapped = switch (kind) {
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            case BZIP2 -> new BZip2CompressorInputStream(in, true);
            case XZ -> new XZCompressorInputStream(in, true);
            default -> new FramedLZ4CompressorInputStream(in, true);
        };
        return new Read(Channels.newChannel(unwrapped), kind, ByteBuffer.allocate(READ_BUFFER).flip());
    }

    private static void fill(ReadableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining() && ch.read(buf) >= 0) {
            // read until full or EOF: fewer, larger positional writes downstream
        }
    }

    /** A regular file on stdin: mapped in windows, so its bytes are copied once, into the run buffers. */
    private static final class Mapped extends StdinStream {
        private final FileChannel ch;
        private final long end;
        private final ContentKind kind;
        private long pos;

        Mapped(FileChannel ch, long start, long end, ContentKind kind) {
            this.ch = ch;
            this.pos = start;
            this.end = end;
            this.kind = kind;
        }

        @Override
        ByteBuffer next() throws IOException {
            if (pos >= end) {
                return null;
            }
            long n = Math.min(MAP_WINDOW, end - pos);
            ByteBuffer window = ch.map(FileChannel.MapMode.READ_ONLY, pos, n);
            pos += n;
            return window;
        }

        @Override
        ContentKind wrapper() {
            return kind;
        }
    }

    private static final class Read extends StdinStream {
        private final ReadableByteChannel ch;
        private final ContentKind kind;
        private final ByteBuffer buf;
        private boolean pending;

        /** {@code first} holds already-read input (flipped), handed out before reading more into it. */
        Read(ReadableByteChannel ch, ContentKind kind, ByteBuffer first) {
            this.ch = ch;
            this.kind = kind;
            this.buf = first;
            this.pending = first.hasRemaining();
        }

        @Override
        ByteBuffer next() throws IOException {
            if (!pending) {
                buf.clear();
                fill(ch, buf);
                buf.flip();
            }
            pending = false;
            return buf.hasRemaining() ? buf : null;
        }

        @Override
        ContentKind wrapper() {
            return kind;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
