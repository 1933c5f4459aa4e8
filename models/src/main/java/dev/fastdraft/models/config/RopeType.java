package dev.fastdraft.models.config;

/** The RoPE variants of Hugging Face's {@code rope_scaling.rope_type} that we compute. */
public enum RopeType {
    DEFAULT("default"),
    LINEAR("linear"),
    DYNAMIC("dynamic"),
    LLAMA3("llama3"),
    LONGROPE("longrope"),
    YARN("yarn");

    private final String jsonName;

    RopeType(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    public static RopeType fromJson(String name) {
        for (RopeType t : values()) if (t.jsonName.equals(name)) return t;
        return null;
    }

    public static String supported() {
        StringBuilder sb = new StringBuilder();
        for (RopeType t : values()) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(t.jsonName);
        }
        return sb.toString();
    }
}
