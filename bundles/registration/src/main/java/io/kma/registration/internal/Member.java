package io.kma.registration.internal;

/** One address of the Service: the IP and the port of its port named {@link Registrar#PORT_NAME}. */
record Member(String ip, int port) {

    @Override
    public String toString() {
        return ip.contains(":") ? "[" + ip + "]:" + port : ip + ":" + port;
    }

    /** Parses what {@link #toString()} writes (the Lease annotation); null when it is not that form. */
    static Member parse(String s) {
        if (s == null) {
            return null;
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String ip = s.substring(0, colon);
        if (ip.startsWith("[") && ip.endsWith("]")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        try {
            int port = Integer.parseInt(s.substring(colon + 1));
            return port > 0 && port < 65536 && !ip.isEmpty() ? new Member(ip, port) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
