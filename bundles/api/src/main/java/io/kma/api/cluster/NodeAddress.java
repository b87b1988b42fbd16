package io.kma.api.cluster;

/**
 * One entry of a Node's {@code status.addresses}.
 *
 * @param type    Hostname, InternalDNS, InternalIP, ExternalDNS or ExternalIP (as published, not validated)
 * @param address the address or name
 */
public record NodeAddress(String type, String address) {
}
