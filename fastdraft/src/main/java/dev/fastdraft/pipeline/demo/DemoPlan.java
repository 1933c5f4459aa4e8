package dev.fastdraft.pipeline.demo;

/**
 * How much work each stage of the demo does. {@link #FULL} takes about three minutes and {@link #QUICK} about
 * one on the 2-core development machine.
 *
 * @param draftHidden      draft width (the target's is 512): 128 makes a draft 29x smaller, as accurate as one of 256
 * @param draftLayers      draft depth: one layer keeps its per-token cost small next to the target's six
 * @param pretrainTokens   tokens of JDK source the draft pre-trains on
 * @param synthPrompts     prompts the target completes for distillation
 * @param synthNewTokens   tokens per completion
 * @param distillEpochs    passes over the synthetic completions
 * @param evalPrompts      held-out prompts for the evaluation
 * @param evalNewTokens    tokens generated per evaluation prompt
 * @param draftTokens      k, tokens the draft proposes per target call (5 measured faster than 4 or 6 with the full plan's draft)
 * @param promptTokens     length of each prompt, cut from held-out source files
 */
public record DemoPlan(String name, int draftHidden, int draftLayers, long pretrainTokens, int synthPrompts, int synthNewTokens,
                       double distillEpochs, int evalPrompts, int evalNewTokens, int draftTokens, int promptTokens) {
    public static final DemoPlan FULL = new DemoPlan("full", 128, 1, 600_000, 256, 128, 2, 12, 128, 5, 48);
    public static final DemoPlan QUICK = new DemoPlan("quick", 128, 1, 30_000, 64, 96, 4, 4, 96, 4, 48);
}
