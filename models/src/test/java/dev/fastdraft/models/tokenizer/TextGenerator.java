package dev.fastdraft.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic, varied test strings for the differential tests: prose with contractions, code with
 * indentation and runs of newlines, numbers in several scripts, emoji and other astral characters, CJK,
 * Arabic/Hebrew, combining marks and non-NFC sequences, special-token strings inside text, whitespace of
 * every kind, and random characters from long-assigned Unicode blocks. (Characters assigned only in Unicode
 * 15 or later are avoided: Java 25 knows them, the Rust reference's tables do not.)
 */
final class TextGenerator {
    private static final String[] WORDS = {"the", "The", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "Hello", "world",
        "tokenizer", "speculative", "decoding", "draft", "model", "I", "you", "they", "it", "don", "can", "won", "HELLO", "McDonald",
        "naïve", "café", "résumé", "Straße", "über", "señor", "façade", "ſtraſſe", "İstanbul", "ΑΘΗΝΑ", "Москва", "what", "Who"};
    private static final String[] PUNCT = {".", ",", "!", "?", ";", ":", "...", "--", "-", "\"", "'", "(", ")", "[", "]", "{", "}",
        "«", "»", "“", "”", "‘", "’", "…", "—", "¿", "¡", "@", "#", "$", "%", "^", "&", "*", "+", "=", "/", "\\", "|", "~", "`", "<", ">"};
    private static final String[] CONTRACTIONS = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'M", "'LL",
        "'D", "'ſ", "'x", "'", "''", "n't", "'sa", "'lla", "'dd", "'K"};
    private static final String[] CODE = {"def f(x):\n    return x * 2\n", "\tif (a && b) {\n\t\tfoo(bar);\n\t}\n",
        "for i in range(10):\n\n\n        print(i)\r\n", "int main() { return 0; }", "    \n    \n", "x = [1, 2, 3]  # comment\n",
        "SELECT * FROM t WHERE a >= 10;", "<div class=\"a\">text</div>", "a+=1;b-=2;c*=3", "  \t  \t\n\n  ", "{\"key\": [true, null]}",
        "fn main() -> Result<(), Box<dyn Error>> {\n    Ok(())\n}", "\r\n\r\n", "\n\n\n\n", "    ", "\t\t\t", "// ---- //", "x==y!=z"};
    private static final String[] NUMBERS = {"0", "7", "42", "123", "1234", "12345", "1234567890", "3.14159", "1,000,000", "2024-01-31",
        "0x1F", "1e-9", "٣٤٥", "१२३", "１２３", "²³", "Ⅻ", "½", "⑤", "abc123def", "v1.2.3", "99%", "-17", "+44 20 7946 0958"};
    private static final String[] EMOJI = {"😀", "👍🏽", "👨‍👩‍👧", "🇺🇸", "🇯🇵", "❤️", "✨", "🚀", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𝟘𝟙𝟚", "𐍈", "𠀀𠀁", "🤖💬", "☕", "⚠️"};
    private static final String[] SCRIPTS = {"中文文本测试", "日本語のテキスト、カタカナ", "한국어 텍스트입니다", "مرحبا بالعالم", "שלום עולם",
        "\u200Fשלום\u200E", "Привет, мир", "Γειά σου Κόσμε", "नमस्ते दुनिया", "สวัสดีชาวโลก", "გამარჯობა", "Ողջույն", "ሰላም",
        "你好，世界！", "ａｂｃ　ＡＢＣ", "Tiếng Việt có dấu"};
    private static final String[] COMBINING = {"e\u0301", "A\u030A", "\u212B", "\u1100\u1161\u11A8", "ﬁ", "ﬀ", "Å", "n\u0303", "o\u0308\u0304",
        "\u0301", "a\u0300\u0301\u0302\u0303", "\u00C5\u0327", "ḱ\u0323", "\uFB01nance", "x\u20DD", "\u0915\u094D\u0937"};
    private static final String[] SPECIAL = {"<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>", "<|start_header_id|>", "<|reserved_special_token_7|>",
        "<s>", "</s>", "<unk>", "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<think>", "</think>", "<tool_call>", "<|fim_prefix|>",
        "<|im_", "<s", "</s", "<|", "|>", "<<s>>", "<s><s>", "<|begin_of_text|><|begin_of_text|>"};
    private static final String[] SPACES = {" ", "  ", "   ", "\t", "\n", "\r\n", "\r", "\u00A0", "\u3000", "\u2028", "\u2029", "\u0085",
        "\u000B", "\u000C", "\u2003", "\u202F", "\u205F", "\u1680", " \n ", "\n \n", " \t\n", "\u00A0 ", " \u00A0"};
    /** Blocks assigned long before Unicode 14, and whole (no holes that later versions filled). */
    private static final int[][] RANGES = {{0x20, 0x7E}, {0x00, 0x1F}, {0x7F, 0x9F}, {0xA0, 0xFF}, {0x100, 0x17F}, {0x391, 0x3A1},
        {0x3A3, 0x3C9}, {0x400, 0x4FF}, {0x5D0, 0x5EA}, {0x621, 0x64A}, {0x660, 0x669}, {0x905, 0x939}, {0x966, 0x96F},
        {0xE01, 0xE3A}, {0x300, 0x36F}, {0x1100, 0x1112}, {0xAC00, 0xD7A3}, {0x4E00, 0x9FA5}, {0x3041, 0x3094}, {0x30A1, 0x30FA},
        {0x2010, 0x2027}, {0x2030, 0x205E}, {0x2190, 0x21FF}, {0x2200, 0x22FF}, {0x2500, 0x257F}, {0xFF01, 0xFF5E},
        {0x1F600, 0x1F64F}, {0x1F300, 0x1F5FF}, {0x2600, 0x26FF}, {0x1D400, 0x1D454}, {0x2070, 0x2071}, {0x2150, 0x2182}};

    private final Random random;

    TextGenerator(long seed) {
        random = new Random(seed);
    }

    /** {@code count} strings: a fixed list of edge cases first, then random ones. */
    List<String> strings(int count) {
        List<String> out = new ArrayList<>(edgeCases());
        while (out.size() < count) out.add(next());
        return out.subList(0, count);
    }

    static List<String> edgeCases() {
        List<String> l = new ArrayList<>(List.of("", " ", "  ", "\n", "\n\n", "\t", "\r\n", "a", "A", "0", "'", "'s", "Hello world",
                " Hello world", "Hello  world", "Hello world ", "  leading and trailing  ", "\u00A0", "\u3000\u3000", " \u00A0a",
                "a\u00A0b", " ".repeat(100), "x" + " ".repeat(37) + "y", "\n".repeat(20), "\t\t\n\t\n", "1234567", "12 345",
                "😀", "😀😀😀", "中", "e\u0301", "<s>", "</s>", "<unk>", "<s>hello</s>", " <s> ", "x<s>y", "<|begin_of_text|>",
                "<|begin_of_text|>Hello", "Hello<|eot_id|>", "<|im_start|>user\nhi<|im_end|>", "<think>\n\n</think>\n\n",
                "don't I'll we've they're she'd I'm it's", "DON'T I'LL WE'VE", "'ſa", "\u0000", "a\u0000b", "\uFEFFbom",
                "\u200B\u200C\u200D", "\u0085x", "x\u2028y", "¹²³", "ⅫⅣ", "٣٤٥٦٧", "a" + "b".repeat(300),
                "ab".repeat(200), "\uD83D\uDE00x\uD83D", "\uDE00lone", "...", "---", "!!!???", "$ 100.00", "C++ / C#"));
        return l;
    }

    String next() {
        int kind = random.nextInt(12);
        return switch (kind) {
            case 0, 1 -> prose();
            case 2 -> code();
            case 3 -> mix(3 + random.nextInt(10));
            case 4 -> randomChars(1 + random.nextInt(40));
            case 5 -> pick(SPACES).repeat(1 + random.nextInt(5)) + word() + pick(SPACES).repeat(random.nextInt(3));
            case 6 -> pick(SCRIPTS) + pick(SPACES) + pick(NUMBERS) + pick(EMOJI);
            case 7 -> word() + pick(SPECIAL) + word() + pick(SPACES) + pick(SPECIAL) + pick(SPECIAL);
            case 8 -> pick(COMBINING) + word() + pick(COMBINING) + pick(COMBINING) + " " + pick(COMBINING);
            case 9 -> mix(20 + random.nextInt(200)); // long
            case 10 -> " ".repeat(random.nextInt(60)) + pick(NUMBERS) + pick(PUNCT) + " ".repeat(random.nextInt(60));
            default -> randomChars(50 + random.nextInt(400));
        };
    }

    private String prose() {
        StringBuilder sb = new StringBuilder();
        int words = 1 + random.nextInt(25);
        for (int i = 0; i < words; i++) {
            if (i > 0) sb.append(random.nextInt(10) == 0 ? pick(SPACES) : " ");
            sb.append(word());
            int r = random.nextInt(10);
            if (r == 0) sb.append(pick(CONTRACTIONS));
            else if (r == 1) sb.append(pick(PUNCT));
        }
        return sb.toString();
    }

    private String code() {
        StringBuilder sb = new StringBuilder();
        int parts = 1 + random.nextInt(4);
        for (int i = 0; i < parts; i++) sb.append(pick(CODE));
        return sb.toString();
    }

    private String mix(int parts) {
        StringBuilder sb = new StringBuilder();
        String[][] all = {WORDS, PUNCT, CONTRACTIONS, CODE, NUMBERS, EMOJI, SCRIPTS, COMBINING, SPECIAL, SPACES};
        for (int i = 0; i < parts; i++) {
            sb.append(pick(all[random.nextInt(all.length)]));
            if (random.nextBoolean()) sb.append(' ');
        }
        return sb.toString();
    }

    private String randomChars(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int[] r = RANGES[random.nextInt(RANGES.length)];
            sb.appendCodePoint(r[0] + random.nextInt(r[1] - r[0] + 1));
        }
        return sb.toString();
    }

    private String word() {
        return pick(WORDS);
    }

    private String pick(String[] a) {
        return a[random.nextInt(a.length)];
    }
}
