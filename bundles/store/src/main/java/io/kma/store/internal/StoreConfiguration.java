package io.kma.store.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code io.kma.store}, written by the config bundle from config.yaml. */
@ObjectClassDefinition(name = "Metrics store", description = "In-memory store of the last two points per series")
@interface StoreConfiguration {

    @AttributeDefinition(description = "Scrape resolution (metricResolution) in milliseconds; bounds the fresh-container rule")
    long resolutionMillis() default 15000L;
}
