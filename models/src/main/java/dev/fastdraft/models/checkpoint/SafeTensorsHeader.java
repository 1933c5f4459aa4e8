package dev.fastdraft.models.checkpoint;

import dev.fastdraft.models.io.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses and fully validates the JSON header of a safetensors file against the size of its data section.
 * Everything a reader later trusts (offsets, sizes, shapes) is checked here, so no header, however crafted,
 * can direct a read outside the file.
 */
record SafeTensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    /** The same cap as the reference implementation: real headers are a few hundred KB. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Byte size of every dtype the format defines, so sizes can be validated even for ones we do not load. */
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1),
            Map.entry("F8_E5M2", 1), Map.entry("F8_E4M3", 1), Map.entry("F8_E8M0", 1),
            Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("F16", 2), Map.entry("BF16", 2),
            Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
            Map.entry("I64", 8), Map.entry("U64", 8), Map.entry("F64", 8), Map.entry("C64", 8));

    /**
     * Validates the 8-byte length prefix and returns the header length.
     *
     * @param fileSize the whole file's size in bytes
     * @param rawLength the little-endian u64 from the first 8 bytes, as a signed long
     */
    static long checkLength(String file, long fileSize, long rawLength) {
        if (rawLength < 0 || rawLength > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException(file + ": header length " + Long.toUnsignedString(rawLength)
                    + " is not plausible (limit " + MAX_HEADER_BYTES + " bytes); not a safetensors file?");
        }
        if (8 + rawLength > fileSize) {
            throw new IllegalArgumentException(file + ": header length " + rawLength + " runs past the end of the "
                    + fileSize + "-byte file (truncated?)");
        }
        if (rawLength < 2) throw new IllegalArgumentException(file + ": header length " + rawLength + " is too short for a JSON object");
        return rawLength;
    }

    static SafeTensorsHeader parse(String file, ByteBuffer headerBytes, long dataSize) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBytes).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": header is not valid UTF-8");
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (Json.JsonException e) {
            throw new IllegalArgumentException(file + ": header is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> entries)) {
            throw new IllegalArgumentException(file + ": header must be a JSON object, found " + Json.typeName(root));
        }

        Map<String, TensorInfo> tensors = new TreeMap<>();
        Map<String, String> metadata = Map.of();
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                metadata = metadata(file, e.getValue());
            } else {
                tensors.put(name, tensor(file, name, e.getValue(), dataSize));
            }
        }
        checkNoOverlap(file, tensors.values());
        return new SafeTensorsHeader(Collections.unmodifiableMap(tensors), metadata);
    }

    private static Map<String, String> metadata(String file, Object value) {
        if (value == null) return Map.of();
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(file + ": __metadata__ must be an object of strings, found " + Json.typeName(value));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new IllegalArgumentException(file + ": __metadata__ value for '" + e.getKey() + "' must be a string, found " + Json.typeName(e.getValue()));
            }
            out.put((String) e.getKey(), s);
        }
        return Collections.unmodifiableMap(out);
    }

    private static TensorInfo tensor(String file, String name, Object value, long dataSize) {
        String where = file + ": tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> m)) throw new IllegalArgumentException(where + " must be an object, found " + Json.typeName(value));
        if (!(m.get("dtype") instanceof String dtype)) throw new IllegalArgumentException(where + " has no string field 'dtype'");
        if (!(m.get("shape") instanceof List<?> shapeList)) throw new IllegalArgumentException(where + " has no array field 'shape'");
        if (!(m.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2) {
            throw new IllegalArgumentException(where + " needs 'data_offsets' as an array [begin, end]");
        }

        int[] shape = new int[shapeList.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            Object d = shapeList.get(i);
            if (!(d instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + " shape " + shapeList + ": dimension " + i + " is not an integer in [0, " + Integer.MAX_VALUE + "]");
            }
            shape[i] = (int) (long) l;
            try {
                numel = Math.multiplyExact(numel, l);
            } catch (ArithmeticException ex) {
                throw new IllegalArgumentException(where + " shape " + shapeList + " has too many elements");
            }
        }

        long begin = offset(where, offsets.get(0), "begin");
        long end = offset(where, offsets.get(1), "end");
        String range = " data_offsets [" + begin + "," + end + "]";
        if (end < begin) throw new IllegalArgumentException(where + range + " end before begin");
        if (end > dataSize) throw new IllegalArgumentException(where + range + " end past the data section of " + dataSize + " bytes");

        Integer elementBytes = DTYPE_BYTES.get(dtype);
        if (elementBytes != null) {
            long expected;
            try {
                expected = Math.multiplyExact(numel, elementBytes);
            } catch (ArithmeticException ex) {
                throw new IllegalArgumentException(where + " shape " + shapeList + " is too large");
            }
            if (end - begin != expected) {
                throw new IllegalArgumentException(where + range + " hold " + (end - begin) + " bytes, but " + dtype + " shape "
                        + shapeList + " needs " + expected + " (" + numel + " x " + elementBytes + ")");
            }
        }
        // An unknown dtype keeps its (bounds-checked) range; it is refused if requested.
        return new TensorInfo(file, name, dtype, shape, begin, end);
    }

    private static long offset(String where, Object v, String which) {
        if (!(v instanceof Long l) || l < 0) {
            throw new IllegalArgumentException(where + " data_offsets " + which + " " + v + " is not a non-negative integer");
        }
        return l;
    }

    private static void checkNoOverlap(String file, Iterable<TensorInfo> all) {
        List<TensorInfo> sorted = new ArrayList<>();
        for (TensorInfo t : all) if (t.end() > t.begin()) sorted.add(t);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        TensorInfo furthest = null;
        for (TensorInfo t : sorted) {
            if (furthest != null && t.begin() < furthest.end()) {
                throw new IllegalArgumentException(file + ": tensor '" + t.name() + "' data_offsets [" + t.begin() + "," + t.end()
                        + "] overlap tensor '" + furthest.name() + "' data_offsets [" + furthest.begin() + "," + furthest.end() + "]");
            }
            if (furthest == null || t.end() > furthest.end()) furthest = t;
        }
    }
}
