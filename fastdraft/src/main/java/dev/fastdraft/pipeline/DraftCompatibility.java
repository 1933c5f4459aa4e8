package dev.fastdraft.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Checks that a draft can serve a target: same vocabulary size and, when both have one, the same tokenizer. */
public final class DraftCompatibility {
    private DraftCompatibility() {}

    public static void check(Path targetDir, int targetVocab, Path draftDir, int draftVocab) throws IOException {
        if (targetVocab != draftVocab) {
            throw new IllegalArgumentException("the draft (" + draftDir + ") has a vocabulary of " + draftVocab + " tokens but the target (" + targetDir
                    + ") has " + targetVocab + "; derive the draft from this target with init-draft");
        }
        Path tt = targetDir.resolve("tokenizer.json"), dt = draftDir.resolve("tokenizer.json");
        if (Files.isRegularFile(tt) && Files.isRegularFile(dt) && Files.size(tt) != Files.size(dt) || Files.isRegularFile(tt) && Files.isRegularFile(dt) && !Arrays.equals(Files.readAllBytes(tt), Files.readAllBytes(dt))) {
            throw new IllegalArgumentException("the draft's tokenizer.json (" + dt + ") differs from the target's (" + tt + "); a draft must use the target's tokenizer");
        }
    }
}
