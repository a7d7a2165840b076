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
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Standard input as a sequence of buffers, unwrapped when it is gzip/bzip2/xz/lz4.
 *
 * <p>A file or pipe is read into one reused direct buffer; a wrapped stream goes through
 * its decompressor. Why not map a file on stdin (one copy less, which vmcored did until
 * 2026-11-30): faulting in the mapping and tearing it down at exit (~85 ms for 2 GB, after
 * the dump is written) cost more than the kernel's copy into a reused buffer, once the
 * writes got cheap (docs/performance.md, "write size and preallocation").
 */
final class StdinStream implements AutoCloseable {

    private static final int READ_BUFFER = 4 << 20;

    private final ReadableByteChannel ch;
    private final ContentKind kind;
    private final ByteBuffer buf;
    private boolean pending;

    /** {@code first} holds already-read input (flipped), handed out before reading more into it. */
    private StdinStream(ReadableByteChannel ch, ContentKind kind, ByteBuffer first) {
        this.ch = ch;
        this.kind = kind;
        this.buf = first;
        this.pending = first.hasRemaining();
    }

    static StdinStream open() throws IOException {
        FileChannel stdin = new FileInputStream(FileDescriptor.in).getChannel();
        // The first read decides; its bytes are handed on either way.
        ByteBuffer first = ByteBuffer.allocateDirect(READ_BUFFER);
        fill(stdin, first);
        first.flip();
        ContentKind kind = ContentKind.sniff(first);
        if (!kind.isWrapped()) {
            return new StdinStream(stdin, kind, first);
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
        return new StdinStream(Channels.newChannel(unwrapped), kind, ByteBuffer.allocate(READ_BUFFER).flip());
    }

    /** Next chunk of input, or null at EOF; valid until the next call. */
    ByteBuffer next() throws IOException {
        if (!pending) {
            buf.clear();
            fill(ch, buf);
            buf.flip();
        }
        pending = false;
        return buf.hasRemaining() ? buf : null;
    }

    /** What the first bytes said (FLATTENED, or the wrapper that was removed, or anything else). */
    ContentKind wrapper() {
        return kind;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }

    private static void fill(ReadableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining() && ch.read(buf) >= 0) {
            // read until full or EOF: fewer, larger positional writes downstream
        }
    }
}
