package dev.fastdraft.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BasicOpsGradTest {
    private final Random rnd = new Random(1);

    private Var p(int... shape) {
        return Var.param(GradCheck.random(rnd, 1f, shape));
    }

    @Test
    void elementwiseAndViews() {
        GradCheck.check("mul", List.of(p(3, 4), p(3, 4)), in -> Elementwise.mul(in.get(0), in.get(1)), 1e-2, 1e-3);
        GradCheck.check("add", List.of(p(3, 4), p(3, 4)), in -> Elementwise.add(in.get(0), in.get(1)), 1e-2, 1e-3);
        GradCheck.check("transpose", List.of(p(3, 4)), in -> Views.transpose(in.get(0), 0, 1), 1e-2, 1e-3);
        GradCheck.check("reshape of transpose", List.of(p(3, 4)), in -> Views.reshape(Views.transpose(in.get(0), 0, 1), 2, 6), 1e-2, 1e-3);
        GradCheck.check("narrow", List.of(p(5, 3)), in -> Views.narrow(in.get(0), 0, 1, 3), 1e-2, 1e-3);
        GradCheck.check("concat", List.of(p(2, 3), p(2, 1)), in -> Views.concat(1, in.get(0), in.get(1)), 1e-2, 1e-3);
    }

    @Test
    void gradientsAccumulateWhenAVarIsUsedTwice() {
        Var x = Var.param(Tensor.of(new float[] {2f, -3f}, 2));
        try (Tape tape = Tape.record()) {
            Var y = Elementwise.mul(x, x); // d/dx sum(x*x) = 2x
            tape.backward(Elementwise.sum(Elementwise.add(y, x))); // + 1
        }
        assertArrayEquals(new float[] {5f, -5f}, x.grad().toFloatArray());
    }

    @Test
    void embeddingScatterAddsRepeatedIds() {
        Var table = p(5, 3);
        GradCheck.check("embedding", List.of(table), in -> Embedding.lookup(in.get(0), new int[] {4, 1, 4, 0}), 1e-2, 1e-3);
        var e = assertThrows(IllegalArgumentException.class, () -> Embedding.lookup(table, new int[] {1, 5}));
        assertTrue(e.getMessage().contains("token id 5 at position 1"), e.getMessage());
    }

    @Test
    void noTapeRecordsNothing() {
        Var x = p(2, 2);
        Var y = Elementwise.mul(x, x);
        assertFalse(y.requiresGrad(), "outside a tape, results are constants");
        try (Tape tape = Tape.record()) {
            Elementwise.mul(x, x);
            assertEquals(1, tape.size());
        }
    }
}
