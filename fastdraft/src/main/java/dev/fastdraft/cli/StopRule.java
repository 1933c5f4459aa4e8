package dev.fastdraft.cli;

import dev.fastdraft.models.tokenizer.StreamingDecoder;
import dev.fastdraft.models.tokenizer.Tokenizer;
import java.util.List;

/**
 * When generation stops: at an end-of-sequence id, or once the text decoded so far contains one of the
 * {@code --stop} strings. The generators call {@link #push} with each token before {@link #test}, so the
 * text includes the token being tested.
 */
final class StopRule {
    private final int[] eos;
    private final List<String> stops;
    private final StreamingDecoder stream;
    private final StringBuilder text = new StringBuilder();

    StopRule(int[] eos, List<String> stops, Tokenizer tok) {
        if (!stops.isEmpty() && tok == null) {
            throw new UserError("--stop needs the model's tokenizer (tokenizer.json) to read the generated text; none was found");
        }
        this.eos = eos;
        this.stops = stops;
        this.stream = tok == null ? null : tok.streamingDecoder(true);
    }

    /** Adds a token to the text; returns its new characters ("" without a tokenizer or mid-character). */
    String push(int id) {
        if (stream == null) return "";
        String piece = stream.push(id);
        text.append(piece);
        return piece;
    }

    /** Whatever the decoder still held back once generation is over. */
    String finish() {
        if (stream == null) return "";
        String rest = stream.finish();
        text.append(rest);
        return rest;
    }

    boolean test(int id) {
        for (int e : eos) if (e == id) return true;
        for (String s : stops) if (text.indexOf(s) >= 0) return true;
        return false;
    }
}
