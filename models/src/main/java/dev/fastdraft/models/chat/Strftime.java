package dev.fastdraft.models.chat;

import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** Python's {@code datetime.strftime} in the C locale, for {@code strftime_now("%d %b %Y")} in Llama 3 templates. */
final class Strftime {
    private Strftime() {
    }

    static String format(String fmt, LocalDateTime t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                sb.append(c);
                continue;
            }
            char d = fmt.charAt(++i);
            if (d == '-' && i + 1 < fmt.length()) {
                // glibc's "no padding" flag, as in Llama templates' "%-d": the field without leading zeros
                String field = format("%" + fmt.charAt(++i), t);
                String trimmed = field.replaceFirst("^[0 ]+(?=.)", "");
                sb.append(trimmed);
                continue;
            }
            switch (d) {
                case 'd' -> two(sb, t.getDayOfMonth());
                case 'e' -> sb.append(t.getDayOfMonth() < 10 ? " " : "").append(t.getDayOfMonth());
                case 'm' -> two(sb, t.getMonthValue());
                case 'y' -> two(sb, t.getYear() % 100);
                case 'Y' -> sb.append(t.getYear());
                case 'H' -> two(sb, t.getHour());
                case 'I' -> two(sb, (t.getHour() + 11) % 12 + 1);
                case 'M' -> two(sb, t.getMinute());
                case 'S' -> two(sb, t.getSecond());
                case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
                case 'b', 'h' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'j' -> sb.append(String.format(Locale.ROOT, "%03d", t.getDayOfYear()));
                case 'w' -> sb.append(t.getDayOfWeek().getValue() % 7);
                case 'u' -> sb.append(t.getDayOfWeek().getValue());
                case 'F' -> sb.append(String.format(Locale.ROOT, "%d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth()));
                case 'T' -> sb.append(String.format(Locale.ROOT, "%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond()));
                case 'U' -> two(sb, (t.getDayOfYear() + 6 - t.getDayOfWeek().getValue() % 7) / 7);
                case 'W' -> two(sb, (t.getDayOfYear() + 6 - (t.getDayOfWeek().getValue() + 6) % 7) / 7);
                case 'Z', 'z' -> {
                    // a naive datetime, as strftime_now's datetime.now(), has no zone: Python prints nothing
                }
                case 'x' -> sb.append(format("%m/%d/%y", t));
                case 'X' -> sb.append(format("%H:%M:%S", t));
                case 'c' -> sb.append(format("%a %b ", t)).append(String.format(Locale.ROOT, "%2d", t.getDayOfMonth())).append(format(" %H:%M:%S %Y", t));
                case 'D' -> sb.append(format("%m/%d/%y", t));
                case 'R' -> sb.append(format("%H:%M", t));
                case '%' -> sb.append('%');
                default -> sb.append('%').append(d);
            }
        }
        return sb.toString();
    }

    private static void two(StringBuilder sb, int v) {
        if (v < 10) sb.append('0');
        sb.append(v);
    }
}
