package dev.fastdraft.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic stand-in for a pre-training corpus when no {@code --input} is given: mostly English prose
 * with punctuation and numbers, some source code with indentation, and a little multilingual text and emoji.
 * Real text (pass a file) is the better measure; this keeps runs comparable without one. Used by
 * {@code bench tokenizer} and by the throughput comparison against Hugging Face in the tests.
 */
public final class SampleText {
    private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he this are or his from at which "
            + "but have an they you were her she there been one all we their has would when what if will more no out so said can who "
            + "about up them some could him into its then two time like only other new years first also after may any these over "
            + "model training data draft speculative decoding token tokenizer language large small target acceptance rate latency "
            + "throughput memory bandwidth kernel vector matrix gradient optimizer learning schedule warmup evaluation benchmark "
            + "results significantly however therefore although because between during without within against through").split(" ");
    private static final String[] CODE = {
        "def forward(self, x):\n    h = self.norm(x)\n    return x + self.attn(h)\n\n",
        "for (int i = 0; i < n; i++) {\n\tsum += a[i] * b[i];\n}\n",
        "if __name__ == \"__main__\":\n    main(sys.argv[1:])\n",
        "public static void main(String[] args) throws Exception {\n        run(args);\n    }\n",
        "    # TODO: handle the empty case\n    return [x for x in xs if x is not None]\n"};
    private static final String[] OTHER = {"这是一个用于测试的中文句子。", "日本語の文章も少し含まれています。", "Привет, как дела? ",
        "مرحبا بكم في النص ", "¡Hola! ¿Qué tal? ", "Ça va très bien, merci. ", "🚀 launch ✨ ", "😀👍 "};

    private SampleText() {}

    /** About {@code chars} characters of text, cut into documents of a few kilobytes. */
    public static List<String> documents(long seed, int chars) {
        Random r = new Random(seed);
        List<String> docs = new ArrayList<>();
        int total = 0;
        while (total < chars) {
            StringBuilder doc = new StringBuilder();
            int target = 1000 + r.nextInt(6000);
            while (doc.length() < target) {
                int kind = r.nextInt(20);
                if (kind < 15) sentence(r, doc);
                else if (kind < 18) doc.append(CODE[r.nextInt(CODE.length)]);
                else doc.append(OTHER[r.nextInt(OTHER.length)]);
                if (r.nextInt(8) == 0) doc.append("\n\n");
            }
            docs.add(doc.toString());
            total += doc.length();
        }
        return docs;
    }

    private static void sentence(Random r, StringBuilder sb) {
        int n = 5 + r.nextInt(20);
        for (int i = 0; i < n; i++) {
            String w = WORDS[r.nextInt(WORDS.length)];
            if (i == 0) w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
            sb.append(w);
            int p = r.nextInt(30);
            if (p == 0) sb.append(", ");
            else if (p == 1) sb.append(' ').append(r.nextInt(10_000)).append(' ');
            else if (p == 2) sb.append("'s ");
            else if (i < n - 1) sb.append(' ');
        }
        sb.append(r.nextInt(10) == 0 ? "? " : ". ");
    }
}
