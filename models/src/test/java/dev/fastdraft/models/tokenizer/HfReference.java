package dev.fastdraft.models.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Hugging Face's Rust tokenizer (tokenizers 0.21.4 through DJL's JNI binding), the oracle of the
 * differential tests. DJL truncates to 512 and pads by default, so both are switched off; with
 * {@code addSpecialTokens} it applies tokenizer.json's post_processor exactly as the Rust library does.
 * When the native library cannot load, tests skip with the reason.
 */
final class HfReference implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    private HfReference(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    static HfReference open(Path dirOrFile) {
        Throwable failure = null;
        HuggingFaceTokenizer t = null;
        try {
            t = HuggingFaceTokenizer.newInstance(dirOrFile, Map.of("truncation", "false", "padding", "false"));
        } catch (Throwable e) { // UnsatisfiedLinkError, ExceptionInInitializerError, IOException
            failure = e;
        }
        String why = "skipped: Hugging Face's Rust tokenizer (DJL ai.djl.huggingface:tokenizers) could not load here: " + failure;
        if (t == null) System.out.println(why);
        assumeTrue(t != null, why);
        return new HfReference(t);
    }

    int[] encode(String text, boolean addSpecialTokens) {
        long[] ids = tokenizer.encode(text, addSpecialTokens, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    /**
     * Ids only, through DJL's raw JNI calls: skips building DJL's Encoding object (tokens, offsets, masks),
     * so that the throughput figure is Hugging Face's encode plus the least JNI overhead.
     */
    int encodedLength(String text, boolean addSpecialTokens) {
        var lib = ai.djl.huggingface.tokenizers.jni.TokenizersLibrary.LIB;
        long encoding = lib.encode(tokenizer.getHandle(), text, addSpecialTokens);
        try {
            return lib.getTokenIds(encoding).length;
        } finally {
            lib.deleteEncoding(encoding);
        }
    }

    String decode(int[] ids, boolean skipSpecialTokens) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = ids[i];
        return tokenizer.decode(l, skipSpecialTokens);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
