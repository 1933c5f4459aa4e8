package dev.fastdraft.models.generate;

/** The keys and values of the positions a model has seen; speculative decoding rolls it back. */
public interface KVCache {
    int length();

    int capacity();

    /** Forgets every position from {@code length} on (rejected draft tokens). */
    void truncate(int length);
}
