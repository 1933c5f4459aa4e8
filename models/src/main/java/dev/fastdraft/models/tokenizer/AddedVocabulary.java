package dev.fastdraft.models.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The added tokens of a tokenizer, with ids assigned as Hugging Face assigns them on load: a token whose
 * content is already in the vocabulary takes that id, any other the next id past the vocabulary. Two
 * splitters find them: one in the raw input (tokens with {@code normalized: false}), one in normalized text.
 */
final class AddedVocabulary {
    private final Map<String, AddedToken> byContent = new HashMap<>();
    private final Map<Integer, AddedToken> byId = new HashMap<>();
    private final Set<String> special = new HashSet<>();
    private final AddedTokenSplitter rawSplitter;
    private final AddedTokenSplitter normalizedSplitter;

    /**
     * @param declared the {@code added_tokens} entries in file order (their {@code id} fields are only
     *                 declarations: Hugging Face recomputes them, and so do we)
     */
    AddedVocabulary(List<AddedToken> declared, BpeModel model, Normalizer normalizer) {
        List<AddedToken> specials = new ArrayList<>();
        List<AddedToken> classic = new ArrayList<>();
        for (AddedToken t : declared) {
            if (t.special() && !t.content().isEmpty() && special.add(t.content())) specials.add(t);
        }
        Map<Integer, AddedToken> assigned = new LinkedHashMap<>();
        for (AddedToken t : declared) {
            // an identical token (all flags equal; the declared id does not count) is skipped
            AddedToken key = new AddedToken(t.content(), 0, t.singleWord(), t.lstrip(), t.rstrip(), t.normalized(), t.special());
            if (t.content().isEmpty() || assigned.containsValue(key)) continue;
            int id = idFor(t.content(), model);
            AddedToken withId = new AddedToken(t.content(), id, t.singleWord(), t.lstrip(), t.rstrip(), t.normalized(), t.special());
            byContent.put(t.content(), withId);
            assigned.put(id, key);
            byId.put(id, withId);
            if (!special.contains(t.content())) classic.add(t);
        }
        // matching order: special tokens first, then the others, as Hugging Face builds its tries
        List<AddedToken> raw = new ArrayList<>(), norm = new ArrayList<>();
        List<String> rawPatterns = new ArrayList<>(), normPatterns = new ArrayList<>();
        List<AddedToken> all = new ArrayList<>(specials);
        all.addAll(classic);
        for (AddedToken t : all) {
            AddedToken withId = byContent.get(t.content());
            if (t.normalized()) {
                norm.add(withId);
                normPatterns.add(normalizer == null ? t.content() : normalizer.normalize(t.content()));
            } else {
                raw.add(withId);
                rawPatterns.add(t.content());
            }
        }
        rawSplitter = new AddedTokenSplitter(raw, rawPatterns);
        normalizedSplitter = new AddedTokenSplitter(norm, normPatterns);
    }

    private int idFor(String content, BpeModel model) {
        AddedToken existing = byContent.get(content);
        if (existing != null) return existing.id();
        Integer inModel = model.tokenToId(content);
        if (inModel != null) return inModel;
        int vocabSize = model.vocabEntries();
        int max = -1;
        for (AddedToken t : byContent.values()) max = Math.max(max, t.id());
        if (max < 0) return vocabSize;
        return max >= vocabSize || vocabSize == 0 ? max + 1 : vocabSize;
    }

    AddedTokenSplitter rawSplitter() {
        return rawSplitter;
    }

    AddedTokenSplitter normalizedSplitter() {
        return normalizedSplitter;
    }

    AddedToken byId(int id) {
        return byId.get(id);
    }

    AddedToken byContent(String content) {
        return byContent.get(content);
    }

    boolean isSpecial(String content) {
        return special.contains(content);
    }

    int maxId() {
        int max = -1;
        for (int id : byId.keySet()) max = Math.max(max, id);
        return max;
    }

    List<AddedToken> tokens() {
        List<AddedToken> l = new ArrayList<>(byId.values());
        l.sort(java.util.Comparator.comparingInt(AddedToken::id));
        return l;
    }
}
