package dev.fastdraft.models.tokenizer;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A Hugging Face tokenizer (tokenizer.json + tokenizer_config.json) in pure Java, giving the same ids as
 * Hugging Face's Rust {@code tokenizers} library. Supports BPE models: byte-level ones with regex
 * pre-tokenization (GPT-2, Llama 3, Qwen 2/3) and SentencePiece-style ones with byte fallback (Llama 2,
 * Mistral, Phi-3). Immutable and safe to share between threads.
 *
 * <p>{@code encode} runs the pipeline of the Rust library: added tokens are cut out of the raw text, the rest
 * is normalized, cut out again for normalized added tokens, pre-tokenized into words, and each word is
 * encoded by the BPE model; then truncation, special tokens (the post-processor, or the template that
 * tokenizer_config.json's {@code add_bos_token}/{@code add_eos_token} define, as transformers does) and
 * padding. Offsets are not computed.
 */
public final class Tokenizer {
    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";
    public static final String GENERATION_CONFIG_JSON = "generation_config.json";

    private final String source;
    private final BpeModel model;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    /** The same pre-tokenizer in its fast form, when it has the usual byte-level shape; else null. */
    private final ByteLevelWords byteLevelWords;
    private final PostProcessor postProcessor;
    private final Decoder decoder;
    private final AddedVocabulary added;
    private final Truncation truncation;
    private final Padding padding;
    private final OptionalInt bosId;
    private final int[] eosIds;
    private final int vocabSize;

    Tokenizer(String source, BpeModel model, Normalizer normalizer, PreTokenizer preTokenizer, PostProcessor postProcessor,
              Decoder decoder, AddedVocabulary added, Truncation truncation, Padding padding, OptionalInt bosId, int[] eosIds) {
        this.source = source;
        this.model = model;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.byteLevelWords = preTokenizer == null ? null : ByteLevelWords.of(preTokenizer);
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.added = added;
        this.truncation = truncation;
        this.padding = padding;
        this.bosId = bosId;
        this.eosIds = eosIds;
        this.vocabSize = Math.max(model.idLimit(), added.maxId() + 1);
    }

    /**
     * Loads {@code tokenizer.json} from a model directory (or the file itself), with tokenizer_config.json
     * and generation_config.json from the same directory when they exist.
     *
     * @throws TokenizerFormatException when tokenizer.json is missing or unusable; the message names the
     *                                  file, the field and what to do
     */
    public static Tokenizer load(Path dirOrFile) throws IOException {
        if (!Files.exists(dirOrFile)) {
            throw new TokenizerFormatException(dirOrFile + ": no such directory; give the directory that holds the model's "
                    + TOKENIZER_JSON + " and " + TOKENIZER_CONFIG_JSON);
        }
        Path json = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(TOKENIZER_JSON) : dirOrFile;
        Path dir = json.toAbsolutePath().getParent();
        if (!Files.isRegularFile(json)) {
            throw new TokenizerFormatException("no " + TOKENIZER_JSON + " in " + dirOrFile
                    + ": download tokenizer.json and tokenizer_config.json from the model's Hugging Face repository into that directory");
        }
        Path config = dir.resolve(TOKENIZER_CONFIG_JSON);
        Path generation = dir.resolve(GENERATION_CONFIG_JSON);
        TokenizerConfig cfg = TokenizerConfig.parse(config.toString(), readIfExists(config), generation.toString(), readIfExists(generation));
        return TokenizerJsonParser.parse(json.toString(), read(json), cfg, config.toString());
    }

    /** Builds a tokenizer from the texts of tokenizer.json and (nullable) tokenizer_config.json. */
    public static Tokenizer fromJson(String tokenizerJson, String tokenizerConfigJson) {
        TokenizerConfig cfg = TokenizerConfig.parse(TOKENIZER_CONFIG_JSON, tokenizerConfigJson, GENERATION_CONFIG_JSON, null);
        return TokenizerJsonParser.parse(TOKENIZER_JSON, tokenizerJson, cfg, TOKENIZER_CONFIG_JSON);
    }

    private static String readIfExists(Path p) throws IOException {
        return Files.isRegularFile(p) ? read(p) : null;
    }

    private static String read(Path p) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(p))).toString();
        } catch (CharacterCodingException e) {
            throw new TokenizerFormatException(p + ": not valid UTF-8 text", e);
        }
    }

    /** Encodes with special tokens, like Hugging Face's {@code encode(text)} (add_special_tokens=True). */
    public int[] encode(String text) {
        return encode(text, true);
    }

    /**
     * Encodes text into token ids. Unpaired UTF-16 surrogates (which no Rust string can hold) are read as
     * U+FFFD.
     */
    public int[] encode(String text, boolean addSpecialTokens) {
        if (text == null) throw new IllegalArgumentException("Tokenizer.encode: text is null");
        String s = Utf8.sanitize(text);
        IntList ids = new IntList(s.length() / 3 + 8);
        added.rawSplitter().split(s, (start, end, token) -> {
            if (token != null) ids.add(token.id());
            else encodeSegment(s.substring(start, end), start == 0, ids);
        });
        int[] out = ids.toArray();
        if (truncation != null) out = truncation.apply(out, addSpecialTokens && postProcessor != null ? postProcessor.addedCount() : 0);
        if (addSpecialTokens && postProcessor != null) out = postProcessor.addSpecialTokens(out);
        if (padding != null) out = padding.apply(out);
        return out;
    }

    /** A stretch of input between added tokens: normalize, cut out normalized added tokens, pre-tokenize, BPE. */
    private void encodeSegment(String segment, boolean atTextStart, IntList ids) {
        String norm = normalizer == null ? segment : normalizer.normalize(segment);
        AddedTokenSplitter normalizedTokens = added.normalizedSplitter();
        if (normalizedTokens.isEmpty()) {
            if (!norm.isEmpty()) encodeWords(norm, atTextStart, ids);
            return;
        }
        normalizedTokens.split(norm, (start, end, token) -> {
            if (token != null) ids.add(token.id());
            else encodeWords(norm.substring(start, end), atTextStart && start == 0, ids);
        });
    }

    private void encodeWords(String text, boolean atTextStart, IntList ids) {
        if (byteLevelWords != null) byteLevelWords.encode(text, model, ids);
        else if (preTokenizer == null) model.tokenize(text, ids);
        else preTokenizer.split(text, atTextStart, (word, atStart) -> model.tokenize(word, ids));
    }

    /** Decodes ids to text, keeping special tokens. */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * Decodes ids to text with the tokenizer's decoder, as Hugging Face's Rust {@code decode} does (no
     * transformers-style {@code clean_up_tokenization_spaces}).
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        return decodeTokens(tokensOf(ids, 0, ids.length, skipSpecialTokens));
    }

    List<String> tokensOf(int[] ids, int from, int to, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            String t = idToToken(ids[i]);
            if (skipSpecialTokens && added.isSpecial(t)) continue;
            tokens.add(t);
        }
        return tokens;
    }

    String decodeTokens(List<String> tokens) {
        if (decoder == null) return String.join(" ", tokens);
        return String.join("", decoder.decodeChain(tokens));
    }

    boolean endsMidCharacter(List<String> tokens) {
        return decoder != null && decoder.endsMidCharacter(tokens);
    }

    /** A decoder for generated ids that only ever emits whole characters; see {@link StreamingDecoder}. */
    public StreamingDecoder streamingDecoder(boolean skipSpecialTokens) {
        return new StreamingDecoder(this, skipSpecialTokens);
    }

    public StreamingDecoder streamingDecoder() {
        return streamingDecoder(false);
    }

    /** The number of ids: one more than the largest id of the vocabulary and the added tokens. */
    public int vocabSize() {
        return vocabSize;
    }

    /** The BOS id named by tokenizer_config.json (or generation_config.json), if any. */
    public OptionalInt bosId() {
        return bosId;
    }

    /** The EOS ids: tokenizer_config.json's eos_token, then generation_config.json's eos_token_id(s). */
    public int[] eosIds() {
        return eosIds.clone();
    }

    public OptionalInt tokenToId(String token) {
        AddedToken a = added.byContent(token);
        if (a != null) return OptionalInt.of(a.id());
        Integer id = model.tokenToId(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * The token string of an id (added tokens first, then the model's vocabulary).
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String idToToken(int id) {
        AddedToken a = added.byId(id);
        if (a != null) return a.content();
        String t = model.idToToken(id);
        if (t == null) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + source + " (valid ids: 0.."
                    + (vocabSize - 1) + (id >= 0 && id < vocabSize ? "; this one has no token" : "") + ")");
        }
        return t;
    }

    /** Whether the id is an added token marked special (dropped by {@code decode(ids, true)}). */
    public boolean isSpecial(int id) {
        AddedToken a = added.byId(id);
        return a != null && a.special();
    }

    /** The added tokens with the ids they resolved to, by id. */
    public List<AddedToken> addedTokens() {
        return added.tokens();
    }

    /** The tokenizer.json this was loaded from. */
    public String source() {
        return source;
    }
}
