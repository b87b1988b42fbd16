package io.kma.config.internal;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The configuration file and how its absence is treated: a default path that does not exist means
 * defaults; a path given explicitly (--config) must exist.
 */
record ConfigFile(Path path, boolean explicit, List<Overrides.Override> overrides) {

    ConfigFile {
        overrides = List.copyOf(overrides);
    }

    ConfigFile(Path path, boolean explicit) {
        this(path, explicit, List.of());
    }

    static final long MAX_BYTES = 1 << 20;

    /** Raw content, or null when the file does not exist. */
    byte[] readBytes() throws IOException {
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new IOException("larger than 1 MiB");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Parses content read by {@link #readBytes()}; null content means the file does not exist. */
    Settings parse(byte[] content) throws InvalidConfigException {
        if (content == null) {
            if (explicit) {
                throw new InvalidConfigException(List.of(path + ": configuration file does not exist"));
            }
            return overrides.isEmpty() ? Settings.defaults() : ConfigParser.parse(path.toString(), "", overrides);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidConfigException(List.of(path + ": not UTF-8 text"));
        }
        return ConfigParser.parse(path.toString(), text, overrides);
    }
}
