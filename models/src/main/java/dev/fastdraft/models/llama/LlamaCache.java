package dev.fastdraft.models.llama;

import dev.fastdraft.engine.Tensor;
import dev.fastdraft.models.generate.KVCache;

/** Per-layer keys and values, F32 [capacity, kvHeads*headDim]; positions past {@code length} are garbage. */
final class LlamaCache implements KVCache {
    final Tensor[] keys;
    final Tensor[] values;
    private final int capacity;
    private int length;

    LlamaCache(int layers, int capacity, int kvDim) {
        this.capacity = capacity;
        this.keys = new Tensor[layers];
        this.values = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            keys[l] = Tensor.zeros(capacity, kvDim);
            values[l] = Tensor.zeros(capacity, kvDim);
        }
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    void advance(int n) {
        length += n;
    }

    @Override
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) throw new IllegalArgumentException("truncate: length " + newLength + " outside [0, " + length + "]");
        length = newLength;
    }
}
