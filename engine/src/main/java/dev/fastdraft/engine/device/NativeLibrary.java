package dev.fastdraft.engine.device;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A native library opened by name through the dynamic linker, with typed downcall handles.
 * Opening never throws an Error: a missing library is an ordinary, explained outcome.
 */
public final class NativeLibrary {
    private static final Linker LINKER = Linker.nativeLinker();

    private final String name;
    private final SymbolLookup lookup;

    private NativeLibrary(String name, SymbolLookup lookup) {
        this.name = name;
        this.lookup = lookup;
    }

    /** Thrown when a library or one of its symbols cannot be had; the message says which and why. */
    public static final class Missing extends Exception {
        public Missing(String message) {
            super(message);
        }
    }

    /**
     * Opens the first of {@code names} the dynamic linker finds. The global arena keeps it loaded for the
     * life of the process, which drivers expect (unloading an ICD or Level Zero loader is not safe).
     */
    public static NativeLibrary open(String... names) throws Missing {
        List<String> failures = new ArrayList<>();
        for (String n : names) {
            try {
                return new NativeLibrary(n, SymbolLookup.libraryLookup(n, Arena.global()));
            } catch (IllegalArgumentException | IllegalCallerException e) {
                failures.add(n + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
        }
        throw new Missing("library not found (" + String.join("; ", failures) + ")");
    }

    public String name() {
        return name;
    }

    public boolean has(String symbol) {
        return lookup.find(symbol).isPresent();
    }

    /** The downcall handle of {@code symbol}; {@link Missing} when the library lacks it (too old a version). */
    public MethodHandle function(String symbol, FunctionDescriptor descriptor) throws Missing {
        MemorySegment address = lookup.find(symbol).orElseThrow(() -> new Missing(name + " has no symbol " + symbol));
        return LINKER.downcallHandle(address, descriptor);
    }

    /** Like {@link #function} for symbols of later API versions that we can do without. */
    public Optional<MethodHandle> optionalFunction(String symbol, FunctionDescriptor descriptor) {
        return lookup.find(symbol).map(a -> LINKER.downcallHandle(a, descriptor));
    }
}
