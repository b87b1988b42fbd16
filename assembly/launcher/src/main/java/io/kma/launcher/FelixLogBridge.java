package io.kma.launcher;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends the framework's own log (resolution failures, listener errors) through SLF4J, one line per event. */
final class FelixLogBridge extends org.apache.felix.framework.Logger {

    private static final Logger LOG = LoggerFactory.getLogger("org.apache.felix.framework");

    @Override
    @SuppressWarnings("rawtypes")
    protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable throwable) {
        String line = (bundle != null && bundle.getSymbolicName() != null ? bundle.getSymbolicName() + ": " : "") + msg
                + (throwable != null ? ": " + Problems.describe(throwable) : "");
        switch (level) {
            case LOG_ERROR -> LOG.error(line);
            case LOG_WARNING -> LOG.warn(line);
            case LOG_INFO -> LOG.info(line);
            default -> LOG.debug(line);
        }
        if (throwable != null && LOG.isDebugEnabled()) {
            LOG.debug("stack trace of the above", throwable);
        }
    }
}
