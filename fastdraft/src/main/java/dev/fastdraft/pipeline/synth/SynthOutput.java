package dev.fastdraft.pipeline.synth;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * synth's output file, append-only and resumable: every record is one line appended in one piece, so an
 * interrupted run leaves at most one partial last line. Opening an existing file cuts that line
 * off and collects the (prompt, sample) pairs already done, so a restarted run neither repeats nor loses a
 * record.
 */
public final class SynthOutput implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final Set<Long> done;
    private final long cutBytes;
    private final int existing;

    private SynthOutput(Path path, FileChannel channel, Set<Long> done, long cutBytes, int existing) {
        this.path = path;
        this.channel = channel;
        this.done = done;
        this.cutBytes = cutBytes;
        this.existing = existing;
    }

    /**
     * Opens {@code path} for appending, creating it if needed. Each complete existing line is parsed and given
     * to {@code check} with its 1-based line number (it throws when the record does not belong to this run).
     */
    public static SynthOutput open(Path path, BiConsumer<SynthRecord, Integer> check) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = ch.size();
            long keep = completeLength(ch, size);
            if (keep < size) {
                ch.truncate(keep);
                ch.force(true);
            }
            Set<Long> done = new HashSet<>();
            int lines = 0;
            try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines++;
                    if (line.isBlank()) continue;
                    SynthRecord rec;
                    try {
                        rec = SynthRecord.parse(line);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(path + ":" + lines + ": not a synth record (" + e.getMessage() + "); remove that line or use another --out");
                    }
                    if (rec.promptIndex() < 0 || rec.sampleIndex() < 0) {
                        throw new IllegalArgumentException(path + ":" + lines + ": record without prompt_index/sample_index; remove that line or use another --out");
                    }
                    check.accept(rec, lines);
                    done.add(key(rec.promptIndex(), rec.sampleIndex()));
                }
            }
            ch.position(ch.size());
            return new SynthOutput(path, ch, done, size - keep, done.size());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Bytes up to and including the last newline: whatever follows it is a line cut short by an interruption. */
    private static long completeLength(FileChannel ch, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long end = size;
        while (end > 0) {
            long start = Math.max(0, end - buf.capacity());
            buf.clear().limit((int) (end - start));
            int read = 0;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, start + read);
                if (n < 0) throw new IOException("synth output: the file ended while scanning for its last line");
                read += n;
            }
            for (int i = (int) (end - start) - 1; i >= 0; i--) if (buf.get(i) == '\n') return start + i + 1;
            end = start;
        }
        return 0;
    }

    static long key(int prompt, int sample) {
        return ((long) prompt << 32) | (sample & 0xFFFFFFFFL);
    }

    public boolean isDone(int prompt, int sample) {
        return done.contains(key(prompt, sample));
    }

    /** Records that were already in the file. */
    public int existing() {
        return existing;
    }

    /** Bytes of a partial last line that opening cut off (0 when the file ended cleanly). */
    public long cutBytes() {
        return cutBytes;
    }

    public Path path() {
        return path;
    }

    /** Appends one record as one line; it reaches the operating system before this returns. */
    public void append(SynthRecord rec) throws IOException {
        if (!done.add(key(rec.promptIndex(), rec.sampleIndex()))) {
            throw new IllegalStateException("synth: record (prompt " + rec.promptIndex() + ", sample " + rec.sampleIndex() + ") written twice");
        }
        ByteBuffer b = ByteBuffer.wrap((rec.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) channel.write(b);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
