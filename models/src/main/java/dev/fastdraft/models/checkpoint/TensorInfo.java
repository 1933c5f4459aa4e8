package dev.fastdraft.models.checkpoint;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Shape;
import java.util.Arrays;

/**
 * One tensor entry of a safetensors header: its dtype as written in the file, its shape, and its byte range
 * {@code [begin, end)} relative to the start of the data section.
 */
public record TensorInfo(String file, String name, String dtypeName, int[] shape, long begin, long end) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public long numel() {
        return Shape.numel(shape);
    }

    public long byteSize() {
        return end - begin;
    }

    /** True when FastDraft can view this tensor (F32, BF16 or F16). */
    public boolean supported() {
        return DType.fromSafetensors(dtypeName) != null;
    }

    /** The engine dtype; throws naming the tensor when the file's dtype is one we do not load. */
    public DType dtype() {
        DType d = DType.fromSafetensors(dtypeName);
        if (d == null) {
            throw new IllegalArgumentException(file + ": tensor '" + name + "' has dtype " + dtypeName
                    + ", which FastDraft does not load (supported: F32, BF16, F16)");
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && file.equals(t.file) && name.equals(t.name) && dtypeName.equals(t.dtypeName)
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Long.hashCode(begin);
    }

    @Override
    public String toString() {
        return name + " " + dtypeName + " " + Shape.str(shape) + " @[" + begin + ", " + end + ")";
    }
}
