package dev.fastdraft.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** The BOS/EOS ids named by tokenizer_config.json and generation_config.json, resolved against the vocabulary. */
record SpecialIds(OptionalInt bosId, int[] eosIds, PostProcessor template) {

    static SpecialIds resolve(TokenizerConfig config, String configFile, AddedVocabulary added, BpeModel model) {
        OptionalInt bos = OptionalInt.empty();
        if (config.bosToken() != null) bos = OptionalInt.of(idOf(config.bosToken(), "bos_token", configFile, added, model));
        else if (config.generationBosId() != null) bos = OptionalInt.of((int) (long) config.generationBosId());
        List<Integer> eos = new ArrayList<>();
        if (config.eosToken() != null) eos.add(idOf(config.eosToken(), "eos_token", configFile, added, model));
        for (long id : config.generationEosIds()) if (!eos.contains((int) id)) eos.add((int) id);
        int[] eosIds = eos.stream().mapToInt(Integer::intValue).toArray();

        PostProcessor template = null;
        if (config.addBosToken() != null || config.addEosToken() != null) {
            // transformers' Llama-family defaults when only one of the two flags is written
            boolean addBos = config.addBosToken() == null || config.addBosToken();
            boolean addEos = config.addEosToken() != null && config.addEosToken();
            List<int[]> pieces = new ArrayList<>();
            if (addBos) {
                if (config.bosToken() == null) throw new TokenizerFormatException(configFile + ": add_bos_token is true but bos_token is not set");
                pieces.add(new int[] {bos.getAsInt()});
            }
            pieces.add(PostProcessor.Template.SEQUENCE);
            if (addEos) {
                if (config.eosToken() == null) throw new TokenizerFormatException(configFile + ": add_eos_token is true but eos_token is not set");
                pieces.add(new int[] {eosIds[0]});
            }
            template = new PostProcessor.Template(pieces);
        }
        return new SpecialIds(bos, eosIds, template);
    }

    private static int idOf(String token, String field, String file, AddedVocabulary added, BpeModel model) {
        AddedToken a = added.byContent(token);
        if (a != null) return a.id();
        Integer id = model.tokenToId(token);
        if (id == null) throw new TokenizerFormatException(file + ": " + field + ": '" + token + "' is not a token of tokenizer.json");
        return id;
    }
}
