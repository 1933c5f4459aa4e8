package dev.fastdraft.models.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new one, never a torn file:
 * the body writes a temporary file in the same directory (same file system, so the rename is atomic),
 * which is forced to disk and then moved over the target. On any failure, or when the JVM shuts down
 * mid-write (Ctrl-C), the temporary file is deleted and an existing target is left untouched.
 *
 * <p>A symbolic link stays a link: the file it points to is replaced. A target that exists and is not a
 * regular file (a FIFO, /dev/null, /dev/stdout) is written straight into, since renaming over it would
 * replace the device or pipe with a plain file.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Symbolic links followed before giving up, as Linux's ELOOP. */
    private static final int MAX_LINKS = 40;

    /** Writes the content of a file through a channel positioned at 0. */
    @FunctionalInterface
    public interface Body {
        void write(FileChannel channel) throws IOException;
    }

    public static void write(Path target, Body body) throws IOException {
        if (target.toString().isEmpty()) throw new IllegalArgumentException("no output file given");
        if (Files.isDirectory(target)) throw new IllegalArgumentException("cannot write " + target + ": it is a directory; give a file name");
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            // no temporary file, no force: a pipe or device has nothing to replace atomically and cannot fsync
            try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
                body.write(ch);
            }
            return;
        }
        Path absolute = followLinks(target);
        Path dir = absolute.getParent();
        if (dir == null) throw new IllegalArgumentException("cannot write " + target + ": it has no parent directory");
        if (!Files.isDirectory(dir)) {
            // name the folder as the user wrote it where we can, not the temporary file the open would name
            Path shown = absolute.equals(target.toAbsolutePath()) && target.getParent() != null ? target.getParent() : dir;
            throw new IllegalArgumentException("cannot write " + target + ": folder " + shown + (Files.exists(dir) ? " is not a folder" : " does not exist"));
        }
        Path temp = dir.resolve("." + absolute.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Thread cleanup = deleteOnShutdown(temp);
        boolean moved = false;
        try {
            // CREATE_NEW (not createTempFile) so the file gets the usual permissions, not 0600
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.write(ch);
                ch.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("AtomicFile: cannot atomically replace " + target + " on this file system", e);
            }
            moved = true;
            syncDirectory(dir);
        } finally {
            try {
                if (!moved) Files.deleteIfExists(temp);
            } finally {
                cancel(cleanup);
            }
        }
    }

    /** Writes {@code bytes} atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, ch -> writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    public static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }

    /** The absolute path a chain of symbolic links ends at, which may not exist yet (a dangling link). */
    private static Path followLinks(Path target) {
        Path p = target.toAbsolutePath();
        for (int i = 0; Files.isSymbolicLink(p); i++) {
            if (i == MAX_LINKS) throw new IllegalArgumentException("cannot write " + target + ": too many levels of symbolic links");
            try {
                p = p.resolveSibling(Files.readSymbolicLink(p));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot write " + target + ": cannot read the link " + p + ": " + e.getMessage());
            }
        }
        return p;
    }

    // A hook per write (registering is a map insert, cheap beside the fsync) so Ctrl-C leaves no hidden partial file;
    // null when the JVM is already shutting down.
    private static Thread deleteOnShutdown(Path temp) {
        Thread hook = new Thread(() -> {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // exiting anyway; prepare also removes such leftovers on its next run
            }
        }, "AtomicFile cleanup");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return hook;
        } catch (IllegalStateException shuttingDown) {
            return null;
        }
    }

    private static void cancel(Thread hook) {
        if (hook == null) return;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) and finds nothing or the temporary file to delete
        }
    }

    // Makes the rename itself durable; some platforms cannot open a directory, which only weakens durability.
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }
}
