package software.amazon.awssdk.regions;

import software.amazon.awssdk.regions.servicemetadata.DynamodbServiceMetadata;
import software.amazon.awssdk.regions.servicemetadata.EventsServiceMetadata;

/**
 * Stands in for the SDK's class of the same name in the function jars (functions/pom.xml drops the SDK's copy).
 * The SDK's builds a map of all ~310 AWS services' metadata, one class each, the first time any client resolves its
 * signing region: on every cold start that was 316 classes loaded and 668 KiB of jar for two services we call.
 * This one knows those two; for any other name it answers null, which ServiceMetadata.of turns into the SDK's
 * default metadata (as it does for a service the SDK's own map lacks).
 * <p>
 * Tied to the SDK's internals: it implements the public ServiceMetadataProvider and is found by name by
 * MetadataLoader. bench/run-report.sh and the functions' *JarIT tests run the shaded jars; if an SDK upgrade
 * renames either, they fail rather than the function silently reverting to the big map.
 */
public final class GeneratedServiceMetadataProvider implements ServiceMetadataProvider {
    private static final ServiceMetadata DYNAMODB = new DynamodbServiceMetadata();
    private static final ServiceMetadata EVENTS = new EventsServiceMetadata();

    @Override
    public ServiceMetadata serviceMetadata(String endpointPrefix) {
        return switch (endpointPrefix) {
            case "dynamodb" -> DYNAMODB;
            case "events" -> EVENTS;
            default -> null;
        };
    }
}
