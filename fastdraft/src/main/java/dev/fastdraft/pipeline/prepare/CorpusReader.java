package dev.fastdraft.pipeline.prepare;

import dev.fastdraft.models.io.Json;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Turns the inputs into a stream of documents, in a fixed order: inputs as given, directory entries sorted by
 * name (hidden ones, starting with '.', skipped; symbolic links to directories not followed), archive entries
 * in archive order. A {@code .zip} is read as an archive, a {@code .jsonl}/{@code .ndjson} file as one document
 * per line, anything else as one text document, unless a NUL in its first 8 KiB marks it binary (skipped).
 */
final class CorpusReader {
    /** Receives pieces of documents in order, and what was skipped. */
    interface Sink {
        void piece(String text, boolean endsDocument) throws IOException;

        void inputBytes(long n);

        void skippedBinary(String origin);

        void skippedBadLine(String origin, long line, String problem);

        void skippedEmpty(String origin);
    }

    private final PrepareOptions options;
    private final List<PathMatcher> includes = new ArrayList<>();
    private final List<Boolean> includeHasSlash = new ArrayList<>();
    private final Sink sink;
    private final IntPredicate startsAddedToken;

    /** {@code startsAddedToken}: the first characters of the tokenizer's added tokens, where no piece may start. */
    CorpusReader(PrepareOptions options, IntPredicate startsAddedToken, Sink sink) {
        this.options = options;
        this.startsAddedToken = startsAddedToken;
        this.sink = sink;
        for (String g : options.includes()) {
            includes.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
            includeHasSlash.add(g.contains("/"));
        }
    }

    void readAll() throws IOException {
        for (Path input : options.inputs()) {
            if (Files.isDirectory(input)) walk(input, input);
            else readFile(input);
        }
    }

    /** The bytes the inputs hold (uncompressed for archives), for the progress line. */
    long estimateBytes() throws IOException {
        long total = 0;
        for (Path input : options.inputs()) total += Files.isDirectory(input) ? estimateDir(input, input) : estimateFile(input);
        return total;
    }

    private long estimateDir(Path root, Path dir) throws IOException {
        long total = 0;
        for (Path child : sortedChildren(dir)) {
            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) total += estimateDir(root, child);
            else if (Files.isRegularFile(child) && included(relative(root, child))) total += estimateFile(child);
        }
        return total;
    }

    private long estimateFile(Path file) throws IOException {
        if (!isZip(file.getFileName().toString())) return Files.size(file);
        long total = 0;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (!e.isDirectory() && included(e.getName()) && e.getSize() > 0) total += e.getSize();
            }
        } catch (ZipException e) {
            throw notAZip(file, e);
        }
        return total;
    }

    private void walk(Path root, Path dir) throws IOException {
        for (Path child : sortedChildren(dir)) {
            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) walk(root, child);
            else if (Files.isRegularFile(child) && included(relative(root, child))) readFile(child);
        }
    }

    private static List<Path> sortedChildren(Path dir) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) if (!p.getFileName().toString().startsWith(".")) children.add(p);
        }
        children.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return children;
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    /** Whether a file inside a directory or archive passes --include. */
    boolean included(String relativePath) {
        if (includes.isEmpty()) return true;
        String name = relativePath.substring(relativePath.lastIndexOf('/') + 1);
        for (int i = 0; i < includes.size(); i++) {
            try {
                if (includes.get(i).matches(Path.of(includeHasSlash.get(i) ? relativePath : name))) return true;
            } catch (InvalidPathException e) {
                // a name this file system cannot express matches no glob
            }
        }
        return false;
    }

    private void readFile(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (isZip(name)) {
            readZip(file);
            return;
        }
        try (InputStream in = counted(Files.newInputStream(file))) {
            readStream(in, file.toString(), name);
        }
    }

    private void readZip(Path file) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory() || !included(e.getName())) continue;
                InputStream entry = new FilterInputStream(zip) {
                    @Override
                    public void close() {
                        // the archive stays open for the next entry
                    }
                };
                String entryName = e.getName();
                readStream(counted(entry), file + "!" + entryName, entryName.substring(entryName.lastIndexOf('/') + 1));
            }
        } catch (ZipException e) {
            throw notAZip(file, e);
        }
    }

    private static IllegalArgumentException notAZip(Path file, ZipException e) {
        return new IllegalArgumentException(file + " is not a readable zip archive (" + e.getMessage() + "); give a valid .zip or rename the file");
    }

    private void readStream(InputStream raw, String origin, String name) throws IOException {
        BufferedInputStream sniffed = TextPieces.sniffable(raw);
        if (TextPieces.isBinary(sniffed)) {
            sink.skippedBinary(origin);
            return;
        }
        InputStream in = new Utf8Check(sniffed, origin);
        if (isJsonl(name)) {
            readJsonl(in, origin);
        } else if (!TextPieces.read(in, options.pieceChars(), startsAddedToken, sink::piece)) {
            sink.skippedEmpty(origin);
        }
    }

    private void readJsonl(InputStream in, String origin) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        String line;
        long lineNo = 0;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) continue;
            String text = recordText(line, origin, lineNo);
            if (text == null) continue;
            if (text.isEmpty()) sink.skippedEmpty(origin + ", line " + lineNo);
            else TextPieces.split(text, options.pieceChars(), startsAddedToken, sink::piece);
        }
    }

    /** The text field of one record; null when a bad line is skipped. */
    private String recordText(String line, String origin, long lineNo) {
        String field = options.textField();
        String problem;
        try {
            Object v = Json.parse(line);
            if (!(v instanceof Map<?, ?> record)) {
                problem = "expected a JSON object with a \"" + field + "\" field, found " + Json.typeName(v);
            } else if (!record.containsKey(field)) {
                problem = "the record has no \"" + field + "\" field" + (record.isEmpty() ? "" : " (fields: " + String.join(", ", keys(record)) + ")");
            } else if (!(record.get(field) instanceof String s)) {
                problem = "field \"" + field + "\" is " + Json.typeName(record.get(field)) + ", not a string";
            } else {
                return s;
            }
        } catch (Json.JsonException e) {
            problem = e.getMessage().replace("malformed JSON at line 1, ", "malformed JSON at ");
        }
        if (!options.skipBadLines()) {
            throw new CorpusFormatException(origin + ", line " + lineNo + ": " + problem + "; fix the line or add --skip-bad-lines");
        }
        sink.skippedBadLine(origin, lineNo, problem);
        return null;
    }

    private static List<String> keys(Map<?, ?> record) {
        List<String> k = new ArrayList<>();
        for (Object o : record.keySet()) {
            if (k.size() == 5) {
                k.add("...");
                break;
            }
            k.add(String.valueOf(o));
        }
        return k;
    }

    private InputStream counted(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) sink.inputBytes(1);
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) sink.inputBytes(n);
                return n;
            }
        };
    }

    static boolean isZip(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".zip");
    }

    static boolean isJsonl(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".jsonl") || n.endsWith(".ndjson");
    }
}
