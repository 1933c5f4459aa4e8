package dev.fastdraft.autograd;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Row lookup: out[i] = table[ids[i]]; the gradient scatter-adds rows back (ids may repeat). */
public final class Embedding {
    private Embedding() {}

    public static Var lookup(Var table, int[] ids) {
        return lookup(table, ids, -1);
    }

    /** As torch's nn.Embedding(padding_idx): rows of {@code paddingIdx} get no gradient (-1: none). */
    public static Var lookup(Var table, int[] ids, int paddingIdx) {
        Tensor t = table.value();
        if (t.rank() != 2) throw new IllegalArgumentException("embedding: table must be 2-D [vocab, hidden], got " + t);
        int vocab = t.dim(0), hidden = t.dim(1);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) throw new IllegalArgumentException("embedding: token id " + ids[i] + " at position " + i + " is outside the vocabulary [0, " + vocab + ")");
        }
        Tensor out = Tensor.zeros(ids.length, hidden);
        for (int i = 0; i < ids.length; i++) out.select(0, i).copyFrom(t.select(0, ids[i]));
        int[] saved = ids.clone();
        return Tape.output(out, g -> {
            Tensor dt = table.gradBuffer();
            MemorySegment gs = g.segment(), ds = dt.segment();
            for (int i = 0; i < saved.length; i++) {
                if (saved[i] == paddingIdx) continue;
                long src = g.offset() + (long) i * hidden, dst = dt.offset() + (long) saved[i] * hidden;
                for (int j = 0; j < hidden; j++) {
                    float v = ds.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, dst + j) + gs.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, src + j);
                    ds.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, dst + j, v);
                }
            }
        }, table);
    }

    static boolean isF32(Tensor t) {
        return t.dtype() == DType.F32;
    }
}
