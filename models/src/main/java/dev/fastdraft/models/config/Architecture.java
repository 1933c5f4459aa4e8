package dev.fastdraft.models.config;

/** The decoder-only families we load, with their Hugging Face class name and {@code model_type}. */
public enum Architecture {
    LLAMA("LlamaForCausalLM", "llama"),
    MISTRAL("MistralForCausalLM", "mistral"),
    QWEN2("Qwen2ForCausalLM", "qwen2"),
    PHI3("Phi3ForCausalLM", "phi3");

    private final String hfClass;
    private final String modelType;

    Architecture(String hfClass, String modelType) {
        this.hfClass = hfClass;
        this.modelType = modelType;
    }

    /** The {@code architectures[0]} value, e.g. {@code LlamaForCausalLM}. */
    public String hfClass() {
        return hfClass;
    }

    /** The {@code model_type} value, e.g. {@code llama}. */
    public String modelType() {
        return modelType;
    }

    public static Architecture fromHfClass(String name) {
        for (Architecture a : values()) if (a.hfClass.equals(name)) return a;
        return null;
    }

    public static Architecture fromModelType(String name) {
        for (Architecture a : values()) if (a.modelType.equals(name)) return a;
        return null;
    }

    /** "LlamaForCausalLM, MistralForCausalLM, ..." for error messages. */
    public static String supportedClasses() {
        StringBuilder sb = new StringBuilder();
        for (Architecture a : values()) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(a.hfClass);
        }
        return sb.toString();
    }
}
