package dev.fastdraft.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streaming decode: characters split over several tokens are held back until complete, and everything
 * emitted adds up to the full decode.
 */
class StreamingDecoderTest {

    @ParameterizedTest
    @ValueSource(strings = {SharedTokenizers.LLAMA3, SharedTokenizers.MISTRAL, SharedTokenizers.QWEN3})
    void multiByteCharactersAreNeverEmittedInHalves(String name) {
        Tokenizer t = SharedTokenizers.load(name);
        // U+1FAE0 and U+13000 are not in these vocabularies: 4 bytes over 3 or 4 tokens
        int[] ids = t.encode("🫠 melting 𓀀 中文 naïve", true);
        List<String> chunks = new ArrayList<>();
        StreamingDecoder stream = t.streamingDecoder();
        for (int id : ids) chunks.add(stream.push(id));
        chunks.add(stream.finish());
        assertEquals(t.decode(ids), String.join("", chunks));
        assertTrue(chunks.contains(""), "some pushes must wait for the rest of a character: " + chunks);
        for (String c : chunks) {
            assertFalse(c.contains("\uFFFD"), "half a character emitted: " + chunks);
            assertFalse(!c.isEmpty() && Character.isHighSurrogate(c.charAt(c.length() - 1)), "half a surrogate pair: " + chunks);
        }
        assertTrue(chunks.stream().anyMatch(c -> c.contains("🫠")), "the emoji arrives whole: " + chunks);
    }

    @ParameterizedTest
    @ValueSource(strings = {SharedTokenizers.LLAMA3, SharedTokenizers.MISTRAL, SharedTokenizers.QWEN3})
    void streamAddsUpToFullDecode(String name) {
        Tokenizer t = SharedTokenizers.load(name);
        for (boolean skip : new boolean[] {false, true}) {
            for (String s : new TextGenerator(11).strings(600)) {
                int[] ids = t.encode(s);
                StreamingDecoder stream = t.streamingDecoder(skip);
                StringBuilder sb = new StringBuilder();
                for (int id : ids) sb.append(stream.push(id));
                sb.append(stream.finish());
                assertEquals(t.decode(ids, skip), sb.toString(), () -> "stream of " + TokenizerDifferentialTest.show(s));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {SharedTokenizers.LLAMA3, SharedTokenizers.MISTRAL})
    void anUnfinishedCharacterIsFlushedAsReplacementCharacter(String name) {
        Tokenizer t = SharedTokenizers.load(name);
        int[] ids = t.encode("🫠", false);
        StreamingDecoder stream = t.streamingDecoder();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length - 1; i++) sb.append(stream.push(ids[i]));
        assertFalse(sb.toString().contains("\uFFFD"));
        assertTrue(stream.finish().endsWith("\uFFFD"));
        assertEquals("", stream.finish(), "finish resets the stream");
        assertEquals(t.decode(t.encode("ok", false)), stream.push(t.encode("ok", false)[0]) + stream.finish());
    }
}
