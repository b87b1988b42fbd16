package io.kma.config.internal;

/** What a config.yaml leaf holds; decides how its YAML scalar is read and how it is reported when wrong. */
enum KeyType {
    STRING,
    BOOLEAN,
    PORT,
    POSITIVE_INT,
    DURATION,
    SIZE,
    ENUM,
    IP_ADDRESS,
    STRING_LIST,
    STRING_MAP
}
