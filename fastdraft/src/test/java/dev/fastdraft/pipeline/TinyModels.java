package dev.fastdraft.pipeline;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.config.Architecture;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.llama.LlamaLoader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiny random models with a tiny tokenizer of their own: byte-level BPE over the 256 bytes (GPT-2's byte to
 * character map), a few merges and one special end-of-text token, so pipeline tests run on text in seconds
 * without the real 32k-152k tokenizers.
 */
public final class TinyModels {
    static final List<String[]> MERGES = List.of(new String[] {"t", "h"}, new String[] {"th", "e"}, new String[] {"\u0120", "the"},
            new String[] {"i", "n"}, new String[] {"\u0120", "a"}, new String[] {"e", "r"});
    /** 256 bytes + the merges + end-of-text. */
    public static final int VOCAB = 256 + MERGES.size() + 1;
    public static final int EOS = VOCAB - 1;

    private TinyModels() {}

    /** GPT-2's reversible byte to printable character map. */
    static char[] byteChars() {
        char[] out = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) direct[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) direct[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) direct[b] = true;
        int extra = 0;
        for (int b = 0; b < 256; b++) out[b] = direct[b] ? (char) b : (char) (256 + extra++);
        return out;
    }

    /** Writes tokenizer.json and tokenizer_config.json into {@code dir}. */
    public static void writeTokenizer(Path dir) throws IOException {
        Files.createDirectories(dir);
        char[] chars = byteChars();
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(chars[b]), (long) b);
        List<Object> merges = new ArrayList<>();
        for (String[] m : MERGES) {
            vocab.put(m[0] + m[1], (long) vocab.size());
            merges.add(List.of(m[0], m[1]));
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("vocab", vocab);
        model.put("merges", merges);
        Map<String, Object> eos = new LinkedHashMap<>();
        eos.put("id", (long) EOS);
        eos.put("content", "<|endoftext|>");
        eos.put("single_word", false);
        eos.put("lstrip", false);
        eos.put("rstrip", false);
        eos.put("normalized", false);
        eos.put("special", true);
        Map<String, Object> tok = new LinkedHashMap<>();
        tok.put("version", "1.0");
        tok.put("added_tokens", List.of(eos));
        tok.put("pre_tokenizer", Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", true));
        tok.put("decoder", Map.of("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", true, "use_regex", true));
        tok.put("model", model);
        Files.writeString(dir.resolve("tokenizer.json"), Json.write(tok), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|endoftext|>\"}", StandardCharsets.UTF_8);
    }

    public static ModelConfig config(int hidden, int layers, int context) {
        return ModelConfig.builder(Architecture.LLAMA).vocabSize(VOCAB).hiddenSize(hidden).intermediateSize(2 * hidden).numLayers(layers)
                .numHeads(2).numKvHeads(1).maxPositionEmbeddings(context).tieWordEmbeddings(true).eosTokenIds(EOS).build();
    }

    /** A random model with the tiny tokenizer, saved in Hugging Face layout. */
    public static Path model(Path dir, ModelConfig config, long seed, double std, DType dtype) throws IOException {
        LlamaLoader.save(LlamaLoader.initialize(config, seed, std), dir, dtype);
        writeTokenizer(dir);
        return dir;
    }

    /** A uint32 token file. */
    public static Path tokens(Path file, int[] ids) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(4 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int id : ids) bb.putInt(id);
        Files.write(file, bb.array());
        return file;
    }

    /** A patterned corpus below {@code vocab}: learnable, so loss falls within a few steps. */
    public static int[] patterned(int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = (i * 7 + i / 3) % Math.min(vocab, 50);
        return ids;
    }
}
