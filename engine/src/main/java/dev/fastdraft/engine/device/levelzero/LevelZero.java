package dev.fastdraft.engine.device.levelzero;

import dev.fastdraft.engine.device.NativeLibrary;

/** The Level Zero loader's API, by header area. {@link #load()} fails with a reason, never with an Error. */
public record LevelZero(String library, ZeDriverApi driver, ZeDeviceApi device, ZeContextApi context,
                        ZeMemoryApi memory, ZeModuleApi module, ZeSyncApi sync) {
    public static final String[] LIBRARY_NAMES = {"libze_loader.so.1", "libze_loader.so"};

    public static LevelZero load() throws NativeLibrary.Missing {
        NativeLibrary lib = NativeLibrary.open(LIBRARY_NAMES);
        return new LevelZero(lib.name(), new ZeDriverApi(lib), new ZeDeviceApi(lib), new ZeContextApi(lib),
                new ZeMemoryApi(lib), new ZeModuleApi(lib), new ZeSyncApi(lib));
    }
}
