package dev.fastdraft.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An output directory that a failed run does not leave behind: {@link #create} makes it (and missing parents),
 * {@link #removeIfEmpty} removes the ones it made again while nothing was written into them (a checkpoint keeps them).
 */
final class OutputFolder {
    private final Path dir;
    private final Path existed;

    private OutputFolder(Path dir, Path existed) {
        this.dir = dir;
        this.existed = existed;
    }

    /** Creates {@code dir} for {@code option}, refusing a file or a place that cannot be written. */
    static OutputFolder create(String option, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError(option + " " + dir + " exists and is not a directory; " + option + " must be a directory (it is created if missing)");
        }
        Path abs = dir.toAbsolutePath().normalize();
        Path existed = abs;
        while (existed != null && !Files.exists(existed)) existed = existed.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create " + option + " " + dir + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "); choose a writable directory", e);
        }
        if (!Files.isWritable(dir)) throw new UserError("cannot write to " + option + " " + dir + "; choose a writable directory");
        return new OutputFolder(abs, existed);
    }

    /** Removes the directories {@link #create} made, deepest first, as long as they are empty. */
    void removeIfEmpty() {
        for (Path p = dir; p != null && !p.equals(existed); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                return; // not empty (or not ours to remove): keep it and its parents
            }
        }
    }

    /**
     * Refuses an output file whose directory is neither there nor creatable, before any long work: the write
     * at the end ({@link #withParents}) would otherwise fail after it.
     */
    static void checkFile(String option, Path file) {
        if (Files.isDirectory(file)) throw new UserError(option + " " + file + " is a directory; give a file name");
        Path p = file.toAbsolutePath().normalize().getParent();
        while (p != null && !Files.exists(p)) p = p.getParent();
        if (p == null || !Files.isDirectory(p) || !Files.isWritable(p)) {
            throw new UserError(option + ": cannot create " + file + " (" + p + " is not a writable directory); choose another path");
        }
    }

    /** Creates the directory of an output file checked by {@link #checkFile}; returns the file. */
    static Path withParents(Path file) throws IOException {
        Path parent = file.toAbsolutePath().normalize().getParent();
        if (parent != null) Files.createDirectories(parent);
        return file;
    }
}
