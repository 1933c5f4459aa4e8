package dev.fastdraft.models.io;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Shape;
import dev.fastdraft.engine.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files of little-endian float32 ({@code '<f4'}) in C order, for exchanging activations
 * and weights with Python. Written as format 1.0 (2.0 only when the header would not fit 1.0's 16-bit
 * length, as numpy does) with the header padded by spaces so the data starts at a multiple of 64 bytes.
 */
public final class Npy {
    private Npy() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;

    /** Atomically writes {@code data} as a float32 array of the given shape. */
    public static void write(Path file, float[] data, int... shape) throws IOException {
        write(file, Tensor.of(data, shape));
    }

    /** Atomically writes {@code t} (any dtype, any strides) as a C-order float32 array. */
    public static void write(Path file, Tensor t) throws IOException {
        TensorBytes.requireLittleEndian("Npy.write");
        byte[] header = header(t.shape());
        AtomicFile.write(file, ch -> {
            AtomicFile.writeFully(ch, ByteBuffer.wrap(header));
            TensorBytes.write(ch, t, DType.F32);
        });
    }

    /** The magic, version, length and padded dict: everything before the data. */
    static byte[] header(int[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) dict.append(", ");
            dict.append(shape[i]);
        }
        if (shape.length == 1) dict.append(',');
        dict.append("), }");
        byte[] text = dict.toString().getBytes(StandardCharsets.US_ASCII);
        int major = 1;
        int prefix = MAGIC.length + 2 + 2;
        int total = pad(prefix + text.length + 1);
        if (total - prefix > 0xFFFF) {
            major = 2;
            prefix = MAGIC.length + 2 + 4;
            total = pad(prefix + text.length + 1);
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) b.putShort((short) (total - prefix));
        else b.putInt(total - prefix);
        b.put(text);
        while (b.position() < total - 1) b.put((byte) ' ');
        b.put((byte) '\n');
        return b.array();
    }

    private static int pad(int n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Reads a {@code '<f4'} C-order .npy file into a new heap F32 tensor. */
    public static Tensor read(Path file) throws IOException {
        TensorBytes.requireLittleEndian("Npy.read");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            while (pre.hasRemaining() && ch.read(pre) >= 0) { /* fill */ }
            pre.flip();
            if (pre.remaining() < 10) throw bad(file, "file of " + size + " bytes is too short for a .npy header");
            for (byte m : MAGIC) if (pre.get() != m) throw bad(file, "missing the \\x93NUMPY magic");
            int major = pre.get() & 0xFF;
            pre.get();
            long headerLen;
            int prefix;
            if (major == 1) { headerLen = pre.getShort() & 0xFFFF; prefix = 10; }
            else if (major == 2 || major == 3) {
                if (pre.remaining() < 4) throw bad(file, "truncated header length");
                headerLen = pre.getInt() & 0xFFFFFFFFL;
                prefix = 12;
            } else throw bad(file, "unsupported format version " + major);
            if (prefix + headerLen > size) throw bad(file, "header length " + headerLen + " runs past the end of the " + size + "-byte file");
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.position(prefix);
            while (hb.hasRemaining() && ch.read(hb) >= 0) { /* fill */ }
            String dict = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

            Matcher d = DESCR.matcher(dict);
            if (!d.find()) throw bad(file, "header has no 'descr': " + dict.strip());
            if (!d.group(1).equals("<f4")) throw bad(file, "dtype '" + d.group(1) + "' is not supported; only little-endian float32 '<f4'");
            Matcher f = FORTRAN.matcher(dict);
            if (!f.find()) throw bad(file, "header has no 'fortran_order': " + dict.strip());
            if (f.group(1).equals("True")) throw bad(file, "Fortran-order arrays are not supported");
            Matcher s = SHAPE.matcher(dict);
            if (!s.find()) throw bad(file, "header has no 'shape': " + dict.strip());
            int[] shape = parseShape(file, s.group(1));

            long numel = numel(file, shape);
            long dataStart = prefix + headerLen;
            if (size - dataStart != numel * 4) {
                throw bad(file, "shape " + Shape.str(shape) + " needs " + numel * 4 + " data bytes, file has " + (size - dataStart));
            }
            if (numel > Integer.MAX_VALUE - 8) throw bad(file, "shape " + Shape.str(shape) + " is too large for a heap tensor");
            float[] values = new float[(int) numel];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, numel * 4, arena);
                MemorySegment.copy(mapped, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values, 0, values.length);
            }
            return Tensor.of(values, shape);
        }
    }

    private static int[] parseShape(Path file, String tuple) {
        String[] parts = tuple.split(",");
        int n = 0;
        int[] dims = new int[parts.length];
        for (String p : parts) {
            String t = p.strip();
            if (t.isEmpty()) continue;
            try {
                dims[n] = Integer.parseInt(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
            } catch (NumberFormatException e) {
                throw bad(file, "bad dimension '" + t + "' in shape (" + tuple + ")");
            }
            if (dims[n] < 0) throw bad(file, "negative dimension in shape (" + tuple + ")");
            n++;
        }
        return Arrays.copyOf(dims, n);
    }

    private static long numel(Path file, int[] shape) {
        long n = 1;
        for (int d : shape) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw bad(file, "shape " + Shape.str(shape) + " overflows");
            }
        }
        return n;
    }

    private static IllegalArgumentException bad(Path file, String what) {
        return new IllegalArgumentException(file.getFileName() + ": " + what);
    }
}
