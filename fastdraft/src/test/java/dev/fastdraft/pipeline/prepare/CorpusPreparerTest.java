package dev.fastdraft.pipeline.prepare;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.SharedTokenizers;
import dev.fastdraft.pipeline.TokenFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prepare over a small corpus of every input kind, checked against the tokenizer applied document by document. */
class CorpusPreparerTest {
    @TempDir
    static Path tmp;
    static Tokenizer llama;
    static Path corpusDir, archive;
    static WorkerPool one, three;
    /** The documents of [corpusDir, archive] in the order prepare must read them. */
    static final List<String> expectedDocs = new ArrayList<>();

    @BeforeAll
    static void corpus() throws IOException {
        llama = Tokenizer.load(SharedTokenizers.require("llama-3.1"));
        one = new WorkerPool(1);
        three = new WorkerPool(3);
        corpusDir = Files.createDirectories(tmp.resolve("corpus"));
        String a = "The quick brown fox jumps over the lazy dog.\nSecond line, with émigré and 数字 123456.\n";
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 400; i++) big.append("line ").append(i).append(": ").append(i % 7 == 0 ? "  indented\tcode();\n" : "plain words here\n").append(i % 13 == 0 ? "\n\n" : "");
        Files.writeString(corpusDir.resolve("a.txt"), a);
        Files.writeString(corpusDir.resolve("b.md"), "\uFEFF# Title\n\nA paragraph.\r\nCRLF line.\r\n");
        Files.write(corpusDir.resolve("bin.dat"), new byte[] {'M', 'Z', 0, 1, 2, 3});
        Files.writeString(corpusDir.resolve(".hidden.txt"), "never read");
        Files.writeString(corpusDir.resolve("data.jsonl"), String.join("\n",
                "{\"text\": \"first record\", \"id\": 1}",
                "",
                "{\"id\": 2, \"text\": \"second\\nrecord with \\\"quotes\\\" and \\u00e9\"}",
                "{\"text\": \"\"}",
                "{\"text\": \"<|eot_id|> special strings are tokens, as in the tokenizer\"}") + "\n");
        Files.writeString(corpusDir.resolve("empty.txt"), "");
        Path sub = Files.createDirectories(corpusDir.resolve("sub"));
        Files.writeString(sub.resolve("big.txt"), big.toString());
        archive = tmp.resolve("code.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(archive))) {
            entry(z, "pkg/", null);
            entry(z, "pkg/Z.java", "class Z { int z() { return 26; } }\n");
            entry(z, "pkg/notes.txt", "notes, not code\n");
            entry(z, "pkg/A.java", "public class A {\n    void a() {}\n}\n");
            entry(z, "pkg/logo.png", "\u0089PNG\r\n\u001a\n\u0000\u0000");
        }
        // directory entries by name: a.txt, b.md, bin.dat (binary), data.jsonl, empty.txt (empty), sub/big.txt; then the zip in order
        expectedDocs.addAll(List.of(a, "# Title\n\nA paragraph.\r\nCRLF line.\r\n", "first record", "second\nrecord with \"quotes\" and é",
                "<|eot_id|> special strings are tokens, as in the tokenizer", big.toString(),
                "class Z { int z() { return 26; } }\n", "notes, not code\n", "public class A {\n    void a() {}\n}\n"));
    }

    @AfterAll
    static void pools() {
        if (one != null) one.close();
        if (three != null) three.close();
    }

    static void entry(ZipOutputStream z, String name, String text) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        if (text != null) z.write(text.getBytes(name.endsWith(".png") ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
        z.closeEntry();
    }

    static PrepareOptions options(Path out, Path val, double fraction, List<String> includes, boolean skipBad, int pieceChars, long maxTokens) {
        return new PrepareOptions(List.of(corpusDir, archive), out, val, fraction, "text", maxTokens, includes, skipBad, false, null, pieceChars);
    }

    static int[] read(Path file) throws IOException {
        try (TokenFile f = TokenFile.open(file)) {
            int[] ids = new int[(int) f.length()];
            f.read(0, ids, 0, ids.length, Integer.MAX_VALUE);
            return ids;
        }
    }

    static int[] concat(List<String> docs, int eos) {
        List<Integer> all = new ArrayList<>();
        for (String d : docs) {
            for (int id : llama.encode(d, false)) all.add(id);
            all.add(eos);
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    PrepareReport prepare(PrepareOptions o, WorkerPool pool) throws IOException {
        return new CorpusPreparer(llama, o, pool, null).run();
    }

    @Test
    void idsAreEachDocumentsEncodingThenEosInInputOrder() throws IOException {
        Path out = tmp.resolve("all.bin");
        PrepareReport r = prepare(options(out, null, 0.01, List.of(), false, PrepareOptions.DEFAULT_PIECE_CHARS, 0), one);
        int eos = llama.eosIds()[0];
        assertArrayEquals(concat(expectedDocs, eos), read(out));
        assertEquals(expectedDocs.size(), r.documents());
        assertEquals(2, r.binarySkipped(), "bin.dat and pkg/logo.png");
        assertEquals(2, r.emptySkipped(), "empty.txt and the record with empty text");
        long bytes = expectedDocs.stream().mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length).sum();
        assertEquals(bytes, r.textBytes());
        assertEquals(r.tokens() - expectedDocs.size(), r.contentTokens());
    }

    @Test
    void outputIsTheSameForAnyThreadCountAndPieceSize() throws IOException {
        Path a = tmp.resolve("t1.bin"), b = tmp.resolve("t3.bin"), c = tmp.resolve("t3-small-pieces.bin");
        Path va = tmp.resolve("v1.bin"), vb = tmp.resolve("v3.bin"), vc = tmp.resolve("v3-small-pieces.bin");
        prepare(options(a, va, 0.3, List.of(), false, PrepareOptions.DEFAULT_PIECE_CHARS, 0), one);
        prepare(options(b, vb, 0.3, List.of(), false, PrepareOptions.DEFAULT_PIECE_CHARS, 0), three);
        // 97-char pieces cut big.txt into dozens: still the ids of the whole text (regex pre-tokenizer)
        PrepareReport r = prepare(options(c, vc, 0.3, List.of(), false, 97, 0), three);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(c));
        assertArrayEquals(Files.readAllBytes(va), Files.readAllBytes(vb));
        assertArrayEquals(Files.readAllBytes(va), Files.readAllBytes(vc));
        assertEquals(expectedDocs.size(), r.documents());
    }

    @Test
    void validationSplitFollowsTheDocumentIndexHash() throws IOException {
        Path out = tmp.resolve("s.bin"), val = tmp.resolve("s-val.bin");
        double fraction = 0.4;
        PrepareReport r = prepare(options(out, val, fraction, List.of(), false, PrepareOptions.DEFAULT_PIECE_CHARS, 0), three);
        List<String> train = new ArrayList<>(), held = new ArrayList<>();
        for (int i = 0; i < expectedDocs.size(); i++) (ValSplit.isValidation(i, fraction) ? held : train).add(expectedDocs.get(i));
        assertFalse(held.isEmpty(), "this fraction holds some of the 9 documents out");
        assertFalse(train.isEmpty());
        int eos = llama.eosIds()[0];
        assertArrayEquals(concat(train, eos), read(out));
        assertArrayEquals(concat(held, eos), read(val));
        assertEquals(held.size(), r.valDocuments());
        assertEquals(read(val).length, r.valTokens());
        // the hash is roughly uniform: the share of 100k indices below 0.01 is 0.01 within 5 standard deviations
        int n = 100_000, hits = 0;
        for (int i = 0; i < n; i++) if (ValSplit.isValidation(i, 0.01)) hits++;
        assertEquals(0.01 * n, hits, 5 * Math.sqrt(n * 0.01 * 0.99));
    }

    @Test
    void includeGlobFiltersDirectoryFilesAndArchiveEntries() throws IOException {
        Path out = tmp.resolve("java.bin");
        PrepareReport r = prepare(options(out, null, 0.01, List.of("*.java"), false, PrepareOptions.DEFAULT_PIECE_CHARS, 0), three);
        int eos = llama.eosIds()[0];
        assertArrayEquals(concat(List.of("class Z { int z() { return 26; } }\n", "public class A {\n    void a() {}\n}\n"), eos), read(out));
        assertEquals(2, r.documents());
        Path out2 = tmp.resolve("paths.bin");
        prepare(options(out2, null, 0.01, List.of("sub/*.txt", "pkg/A.*"), false, PrepareOptions.DEFAULT_PIECE_CHARS, 0), one);
        assertArrayEquals(concat(List.of(expectedDocs.get(5), "public class A {\n    void a() {}\n}\n"), eos), read(out2));
    }

    @Test
    void maxTokensStopsAtTheDocumentReachingTheLimit() throws IOException {
        Path full = tmp.resolve("full.bin"), cut = tmp.resolve("cut.bin");
        prepare(options(full, null, 0.01, List.of(), false, PrepareOptions.DEFAULT_PIECE_CHARS, 0), one);
        int[] all = read(full);
        int first = llama.encode(expectedDocs.get(0), false).length + 1;
        int firstTwo = first + llama.encode(expectedDocs.get(1), false).length + 1;
        // the limit falls inside the second document, which is completed
        PrepareReport r = prepare(options(cut, null, 0.01, List.of(), false, PrepareOptions.DEFAULT_PIECE_CHARS, first + 2), three);
        int[] part = read(cut);
        assertTrue(r.hitMaxTokens());
        assertArrayEquals(Arrays.copyOf(all, firstTwo), part);
        assertEquals(2, r.documents());
        assertEquals(firstTwo, r.tokens());
        assertEquals(expectedDocs.get(0).getBytes(StandardCharsets.UTF_8).length + expectedDocs.get(1).getBytes(StandardCharsets.UTF_8).length,
                r.textBytes(), "only the text written counts, not the rest of the batch");
    }

    @Test
    void aBadJsonLineStopsWithItsLineNumberAndLeavesNoFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Path jsonl = dir.resolve("records.jsonl");
        Files.writeString(jsonl, "{\"text\": \"ok\"}\n{\"text\": \"fine\"}\n{\"text\": \"broken\"\n{\"body\": \"wrong field\"}\n[1]\n{\"text\": 5}\n{\"text\": \"last\"}\n");
        Path out = dir.resolve("out.bin");
        Files.write(out, new byte[] {1, 0, 0, 0});
        PrepareOptions stop = new PrepareOptions(List.of(jsonl), out, null, 0.01, "text", 0, List.of(), false, false, null, 1 << 18);
        CorpusFormatException e = assertThrows(CorpusFormatException.class, () -> prepare(stop, three));
        assertTrue(e.getMessage().startsWith(jsonl + ", line 3: malformed JSON"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; fix the line or add --skip-bad-lines"), e.getMessage());
        assertArrayEquals(new byte[] {1, 0, 0, 0}, Files.readAllBytes(out), "the earlier file is untouched");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("out.bin", "records.jsonl"), s.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary left behind");
        }

        PrepareOptions skip = new PrepareOptions(List.of(jsonl), out, null, 0.01, "text", 0, List.of(), true, false, null, 1 << 18);
        CorpusPreparer p = new CorpusPreparer(llama, skip, three, null);
        PrepareReport r = p.run();
        assertEquals(4, r.badLines());
        assertEquals(List.of(jsonl + ", line 3", jsonl + ", line 4", jsonl + ", line 5", jsonl + ", line 6"),
                p.badLineSamples().stream().map(s -> s.substring(0, s.indexOf(": "))).toList());
        assertTrue(p.badLineSamples().get(1).endsWith("the record has no \"text\" field (fields: body)"), p.badLineSamples().get(1));
        assertArrayEquals(concat(List.of("ok", "fine", "last"), llama.eosIds()[0]), read(out));
    }

    @Test
    void staleTemporaryOfAKilledRunIsRemoved() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("stale"));
        Path out = dir.resolve("o.bin");
        Files.write(dir.resolve(".o.bin.tmp-1234abcd"), new byte[] {9, 9});
        prepare(new PrepareOptions(List.of(corpusDir.resolve("a.txt")), out, null, 0.01, "text", 0, List.of(), false, false, null, 1 << 18), one);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("o.bin"), s.map(p -> p.getFileName().toString()).toList());
        }
        assertArrayEquals(concat(List.of(expectedDocs.get(0)), llama.eosIds()[0]), read(out));
    }

    @Test
    void bosAndSeparatorOptions() throws IOException {
        Path out = tmp.resolve("bos.bin");
        new CorpusPreparer(llama, new PrepareOptions(List.of(corpusDir.resolve("a.txt"), corpusDir.resolve("b.md")), out, null, 0.01, "text", 0,
                List.of(), false, true, 128001, 1 << 18), one, null).run();
        int[] expected = Stream.of(expectedDocs.get(0), expectedDocs.get(1)).flatMapToInt(d -> java.util.stream.IntStream.concat(
                java.util.stream.IntStream.of(128000), java.util.stream.IntStream.concat(Arrays.stream(llama.encode(d, false)), java.util.stream.IntStream.of(128001)))).toArray();
        assertArrayEquals(expected, read(out));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CorpusPreparer.separator(llama, 128256));
        assertEquals("prepare: --eos-id 128256 is outside the tokenizer's vocabulary [0, 128256)", e.getMessage());
    }

    @Test
    void regexPreTokenizersEncodePiecesLikeTheWholeText() throws IOException {
        StringBuilder sb = new StringBuilder();
        String[] lines = {"    if (x != null) { return x; }  ", "\t\tdeeply\tindented", "数字と文字 😀 émoji", "", "   ", "trailing spaces   ",
                "CRLF line\r", "'s 've 're n't", "1234567890 12.5e-3", "<|eot_id|> inline", "__init__(self, *args)", "  \u00a0nbsp start"};
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        for (int i = 0; i < 600; i++) sb.append(lines[rnd.nextInt(lines.length)]).append('\n');
        // one long line: pieces end before a space that precedes text
        for (int i = 0; i < 2000; i++) sb.append(lines[rnd.nextInt(lines.length)].replace('\n', ' ')).append(i % 3 == 0 ? "  " : " ");
        String text = sb.toString();
        for (Tokenizer t : List.of(llama, Tokenizer.load(SharedTokenizers.require("qwen3")))) {
            for (int max : new int[] {200, 1000, 4000}) {
                List<Integer> ids = new ArrayList<>();
                int[] pieces = {0}, end = {0};
                java.util.BitSet starts = new java.util.BitSet();
                for (var a : t.addedTokens()) starts.set(a.content().charAt(0));
                TextPieces.split(text, max, starts::get, (piece, last) -> {
                    pieces[0]++;
                    end[0] += piece.length();
                    int e = end[0];
                    if (!last) {
                        char at = text.charAt(e);
                        assertTrue((text.charAt(e - 1) == '\n' && !TextPieces.isSpace(at))
                                || (at != '\n' && at != '\r' && TextPieces.isSpace(at) && !TextPieces.isSpace(text.charAt(e + 1)) && !starts.get(text.charAt(e + 1))), "a cut at a safe place, not a hard cut, at " + e + ": "
                                + text.substring(Math.max(0, e - 40), e).replace("\n", "\\n") + "|" + text.substring(e, Math.min(text.length(), e + 20)).replace("\n", "\\n"));
                    }
                    for (int id : t.encode(piece, false)) ids.add(id);
                });
                assertTrue(pieces[0] > text.length() / max / 2, "the text was cut: " + pieces[0] + " pieces");
                assertArrayEquals(t.encode(text, false), ids.stream().mapToInt(Integer::intValue).toArray(), t.source() + ", pieces of " + max);
            }
        }
    }

    static final java.util.function.IntPredicate NONE = c -> false;

    @Test
    void piecesCutAfterALineBreakBeforeText() {
        assertEquals(4, TextPieces.cut("abcd", 1, 10, NONE), "the rest fits");
        String s = "ab\ncd\n  ef\ngh";
        assertEquals(11, TextPieces.cut(s, 0, 12, NONE), "after the last break followed by text");
        assertEquals(7, TextPieces.cut(s, 0, 9, NONE), "the break before '  ef' is followed by spaces: before the space before 'ef'");
        assertEquals(6, TextPieces.cut("ab\ncd1234", 0, 6, NONE), "the only break is in the first half: hard cut");
        assertEquals(3, TextPieces.cut(s, 0, 4, NONE));
        assertEquals(7, TextPieces.cut("one two three four", 0, 10, NONE), "no break: before ' three'");
        assertEquals(6, TextPieces.cut("one  2 3 four", 0, 8, NONE), "before the space before '3'");
        assertEquals(7, TextPieces.cut("abcd (x <|four", 0, 9, NONE), "before the space before '<'");
        assertEquals(4, TextPieces.cut("abcd (x <|four", 0, 9, c -> c == '<'), "not before an added token: before the space before '('");
        assertEquals(8, TextPieces.cut("one \t  \t  four", 0, 8, NONE), "spaces before spaces do not count: hard cut");
        assertEquals(5, TextPieces.cut("ab\tcd\tef", 0, 6, NONE), "before a tab before text");
        assertEquals(2, TextPieces.cut("ab\uD83D\uDE00cd", 0, 3, NONE), "never inside a surrogate pair");
    }
}
