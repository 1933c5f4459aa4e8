package dev.fastdraft.models.llama;

import dev.fastdraft.kernels.ops.RopeTable;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.config.RopeFrequencies;
import dev.fastdraft.models.config.RopeScaling;

/**
 * cos/sin tables built on demand up to the longest sequence seen (a 128k-context model would otherwise
 * spend tens of MB on positions never used). Longrope switches to its long factors once a sequence
 * passes the original context, as Hugging Face does.
 */
final class RotaryTables {
    private final ModelConfig config;
    private RopeTable table;
    private boolean tableIsLong;

    RotaryTables(ModelConfig config) {
        this.config = config;
    }

    /** A table covering positions [0, length). */
    synchronized RopeTable table(int length) {
        boolean wantLong = config.originalMaxPositionEmbeddings() != null && length > config.originalMaxPositionEmbeddings();
        if (table == null || table.maxPositions() < length || tableIsLong != wantLong) {
            int size = Math.min(config.maxPositionEmbeddings(), Math.max(length, Math.max(256, table == null ? 0 : 2 * table.maxPositions())));
            size = Math.max(size, length);
            RopeFrequencies f = RopeScaling.invFreq(config, length);
            table = RopeTable.fromInvFreq(f.invFreq(), size, f.attentionScaling());
            tableIsLong = wantLong;
        }
        return table;
    }
}
